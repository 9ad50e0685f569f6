//! A flag that turns on once: for parts drawn a little after the rest (after a frame is painted).

use leptos::prelude::*;
use std::time::Duration;

/// Off, then on for good. What a view builds when it turns on is never rebuilt in place: turning
/// it on again changes nothing (setting the signal again would re-run what reads it).
#[derive(Debug, Clone, Copy)]
pub struct Latch(RwSignal<bool>);

impl Default for Latch {
    fn default() -> Self {
        Self(RwSignal::new(false))
    }
}

impl Latch {
    /// Tracked: a closure that reads it runs again when it turns on.
    pub fn is_on(self) -> bool {
        self.0.get()
    }

    /// Untracked; false once the owner is gone, so late timers do nothing.
    pub fn is_off(self) -> bool {
        self.0.try_get_untracked() == Some(false)
    }

    pub fn turn_on(self) {
        if self.is_off() {
            self.0.set(true);
        }
    }

    /// On at the next animation frame, or after `fallback` in a hidden page (which gets no frames).
    pub fn turn_on_after_frame(self, fallback: Duration) {
        request_animation_frame(move || self.turn_on());
        set_timeout(move || self.turn_on(), fallback);
    }
}
