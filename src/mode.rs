//! The three modes of the one build. Detected by `boot.js`; see README's mode table.

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Inside DevTools, attached to the inspected tab.
    DevTools { tab: i32 },
    /// `panel.html?tab=<id>` in its own extension tab.
    Tab { tab: i32 },
    /// An extension page opened without `?tab=`: nothing to attach to.
    Unattached,
    /// A plain web page: no extension APIs, paste and import only.
    Standalone,
}

impl Mode {
    pub fn from_boot(name: &str, tab: Option<i32>) -> Mode {
        match (name, tab) {
            ("devtools", Some(tab)) => Mode::DevTools { tab },
            ("tab", Some(tab)) => Mode::Tab { tab },
            ("tab", None) | ("devtools", None) => Mode::Unattached,
            _ => Mode::Standalone,
        }
    }

    pub fn tab(self) -> Option<i32> {
        match self {
            Mode::DevTools { tab } | Mode::Tab { tab } => Some(tab),
            Mode::Unattached | Mode::Standalone => None,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Mode::DevTools { .. } => "DevTools panel",
            Mode::Tab { .. } => "extension tab",
            Mode::Unattached => "extension tab (no tab attached)",
            Mode::Standalone => "standalone page",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn boot_names_map_to_modes() {
        assert_eq!(Mode::from_boot("devtools", Some(7)), Mode::DevTools { tab: 7 });
        assert_eq!(Mode::from_boot("tab", Some(3)).tab(), Some(3));
        assert_eq!(Mode::from_boot("tab", None), Mode::Unattached);
        assert_eq!(Mode::from_boot("standalone", Some(3)), Mode::Standalone);
    }
}
