//! String interning for topics and event names: a frame record holds two `u32`s instead of two
//! strings, and equal names compare by id. Uses an FxHash-style hasher: names are short and
//! untrusted input cannot make this quadratic in a way that matters for a debugger's own data.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

/// Interned string id. [`NONE`] means absent.
pub type Sym = u32;
pub const NONE: Sym = u32::MAX;

/// The FxHash mixing step (rustc's hasher): fast on short keys.
#[derive(Default, Clone, Copy)]
pub struct FxHasher(u64);

impl Hasher for FxHasher {
    fn write(&mut self, bytes: &[u8]) {
        const K: u64 = 0x517c_c1b7_2722_0a95;
        let mut h = self.0;
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            let v = u64::from_le_bytes([c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7]]);
            h = (h.rotate_left(5) ^ v).wrapping_mul(K);
        }
        for &b in chunks.remainder() {
            h = (h.rotate_left(5) ^ b as u64).wrapping_mul(K);
        }
        self.0 = h;
    }
    fn write_u8(&mut self, i: u8) {
        self.write(&[i]);
    }
    fn write_u32(&mut self, i: u32) {
        self.write(&i.to_le_bytes());
    }
    fn write_u64(&mut self, i: u64) {
        self.write(&i.to_le_bytes());
    }
    fn write_usize(&mut self, i: usize) {
        self.write(&(i as u64).to_le_bytes());
    }
    fn finish(&self) -> u64 {
        self.0
    }
}

pub type FxMap<K, V> = HashMap<K, V, BuildHasherDefault<FxHasher>>;

#[derive(Debug, Default, Clone)]
pub struct Interner {
    ids: FxMap<Box<str>, Sym>,
    names: Vec<Box<str>>,
}

impl Interner {
    pub fn intern(&mut self, s: &str) -> Sym {
        if let Some(&id) = self.ids.get(s) {
            return id;
        }
        let id = self.names.len() as Sym;
        self.names.push(s.into());
        self.ids.insert(s.into(), id);
        id
    }
    pub fn intern_opt(&mut self, s: Option<&str>) -> Sym {
        s.map(|s| self.intern(s)).unwrap_or(NONE)
    }
    pub fn get(&self, id: Sym) -> Option<&str> {
        self.names.get(id as usize).map(|s| &**s)
    }
    pub fn lookup(&self, s: &str) -> Option<Sym> {
        self.ids.get(s).copied()
    }
    pub fn len(&self) -> usize {
        self.names.len()
    }
    pub fn is_empty(&self) -> bool {
        self.names.is_empty()
    }
    pub fn heap_bytes(&self) -> usize {
        self.names.iter().map(|n| n.len() * 2 + 24).sum::<usize>() + self.names.capacity() * 16
    }
}
