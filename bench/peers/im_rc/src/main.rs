//! The im-rc peer of the persistent suite: the same figures, key sequence and measurement as
//! spl/persistent/persistent_bench.cpp. Prints one JSON line per figure, best of
//! SPL_BENCH_REPS runs (default 5). im-rc counts references with Rc (never atomic), so its
//! `_local` figures repeat the plain measurement. The maps hash u64 keys as ours do.

use std::alloc::{GlobalAlloc, Layout, System};
use std::collections::hash_map::RandomState;
use std::hash::{BuildHasherDefault, Hasher};
use std::sync::atomic::{AtomicI64, Ordering};
use std::time::Instant;

use im_rc::Vector;

// The hash ours uses for u64 keys (spl::hash_u64, SplitMix64's finaliser), so that the map
// figures compare the tries, not the hashers. The `_siphash` rows keep im-rc's default.
#[derive(Default)]
struct SplitMixHasher(u64);

impl Hasher for SplitMixHasher {
    fn write_u64(&mut self, x: u64) {
        let mut z = x;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58476d1ce4e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d049bb133111eb);
        self.0 = z ^ (z >> 31);
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.write_u64(self.0 ^ b as u64);
        }
    }
    fn finish(&self) -> u64 {
        self.0
    }
}

type HashMap<K, V> = im_rc::HashMap<K, V, BuildHasherDefault<SplitMixHasher>>;
type SipHashMap<K, V> = im_rc::HashMap<K, V, RandomState>;

struct Counting;

static LIVE_BYTES: AtomicI64 = AtomicI64::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        LIVE_BYTES.fetch_add(layout.size() as i64, Ordering::Relaxed);
        System.alloc(layout)
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        LIVE_BYTES.fetch_sub(layout.size() as i64, Ordering::Relaxed);
        System.dealloc(ptr, layout)
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

const N: u64 = 1_000_000;

// std::hint::black_box is not stable in Debian's rustc 1.63: a volatile read of the value's
// address keeps the optimiser from dropping the work that produced it.
fn black_box<T>(x: T) -> T {
    unsafe {
        let copy = std::ptr::read_volatile(&x);
        std::mem::forget(x);
        copy
    }
}

fn keys() -> Vec<u64> {
    let mut state: u64 = 42;
    (0..N)
        .map(|_| {
            state = state.wrapping_add(0x9e3779b97f4a7c15);
            let mut z = state;
            z = (z ^ (z >> 30)).wrapping_mul(0xbf58476d1ce4e5b9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94d049bb133111eb);
            z ^ (z >> 31)
        })
        .collect()
}

fn ns_per(start: Instant, items: u64) -> f64 {
    start.elapsed().as_nanos() as f64 / items as f64
}

fn best_of(reps: usize, figure: &str, unit: &str, mut run: impl FnMut() -> f64) {
    let best = (0..reps).map(|_| run()).fold(f64::INFINITY, f64::min);
    println!("{{\"figure\": \"{}\", \"unit\": \"{}\", \"value\": {:.3}, \"n\": {}}}", figure, unit, best, N);
}

fn build_map(keys: &[u64]) -> HashMap<u64, u64> {
    let mut m = HashMap::default();
    for &k in keys {
        m.insert(k, k);
    }
    m
}

// The keys in the fixed shuffled order persistent_bench.cpp uses (Fisher-Yates on splitmix64
// seeded with 7).
fn shuffled(keys: &[u64]) -> Vec<u64> {
    let mut out = keys.to_vec();
    let mut state: u64 = 7;
    for i in (1..out.len()).rev() {
        state = state.wrapping_add(0x9e3779b97f4a7c15);
        let mut z = (state ^ (state >> 30)).wrapping_mul(0xbf58476d1ce4e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d049bb133111eb);
        let j = ((z ^ (z >> 31)) % (i as u64 + 1)) as usize;
        out.swap(i, j);
    }
    out
}

fn build_vec(n: u64) -> Vector<u64> {
    let mut v = Vector::new();
    for i in 0..n {
        v.push_back(i);
    }
    v
}

fn main() {
    let reps: usize = std::env::var("SPL_BENCH_REPS").ok().and_then(|s| s.parse().ok()).unwrap_or(5).max(1);
    let keys = keys();

    let insert_persistent = || {
        let mut m: HashMap<u64, u64> = HashMap::default();
        let start = Instant::now();
        for &k in &keys {
            m = m.update(k, k);
        }
        let ns = ns_per(start, N);
        black_box(&m);
        ns
    };
    best_of(reps, "map_insert_persistent", "ns/op", insert_persistent);
    best_of(reps, "map_insert_persistent_local", "ns/op", insert_persistent);

    let remove_persistent = || {
        let mut m = build_map(&keys);
        let start = Instant::now();
        for k in &keys {
            m = m.without(k);
        }
        let ns = ns_per(start, N);
        black_box(&m);
        ns
    };
    best_of(reps, "map_remove_persistent", "ns/op", remove_persistent);
    best_of(reps, "map_remove_persistent_local", "ns/op", remove_persistent);

    let insert_in_place = || {
        let start = Instant::now();
        let mut m: HashMap<u64, u64> = HashMap::default();
        for &k in &keys {
            m.insert(k, k);
        }
        let ns = ns_per(start, N);
        black_box(&m);
        ns
    };
    best_of(reps, "map_insert_transient", "ns/op", insert_in_place);
    best_of(reps, "map_insert_transient_local", "ns/op", insert_in_place);

    {
        let m = build_map(&keys);
        best_of(reps, "map_lookup_hit", "ns/op", || {
            let mut sum = 0u64;
            let start = Instant::now();
            for k in &keys {
                sum = sum.wrapping_add(*m.get(k).unwrap());
            }
            let ns = ns_per(start, N);
            black_box(sum);
            ns
        });
        let probes = shuffled(&keys);
        let expected = keys.iter().fold(0u64, |a, &k| a.wrapping_add(k));
        best_of(reps, "map_lookup_hit_shuffled", "ns/op", || {
            let mut sum = 0u64;
            let start = Instant::now();
            for k in &probes {
                sum = sum.wrapping_add(*m.get(k).unwrap());
            }
            let ns = ns_per(start, N);
            assert_eq!(black_box(sum), expected, "map_lookup_hit_shuffled: wrong sum");
            ns
        });
        let absent: Vec<u64> = probes.iter().map(|k| k.wrapping_add(1)).filter(|k| !m.contains_key(k)).collect();
        best_of(reps, "map_lookup_miss", "ns/op", || {
            let mut found = 0u64;
            let start = Instant::now();
            for k in &absent {
                found += m.get(k).is_some() as u64;
            }
            let ns = ns_per(start, absent.len() as u64);
            assert_eq!(black_box(found), 0, "map_lookup_miss: an absent key was found");
            ns
        });
        best_of(reps, "map_iterate", "ns/entry", || {
            let mut sum = 0u64;
            let start = Instant::now();
            for (_, v) in m.iter() {
                sum = sum.wrapping_add(*v);
            }
            let ns = ns_per(start, N);
            black_box(sum);
            ns
        });
    }
    // With im-rc's default hasher (SipHash 1-3), as the table showed before the rows above
    // used ours; no row of ours pairs with these.
    best_of(reps, "map_insert_persistent_siphash", "ns/op", || {
        let mut m: SipHashMap<u64, u64> = SipHashMap::default();
        let start = Instant::now();
        for &k in &keys {
            m = m.update(k, k);
        }
        let ns = ns_per(start, N);
        black_box(&m);
        ns
    });
    {
        let mut m: SipHashMap<u64, u64> = SipHashMap::default();
        for &k in &keys {
            m.insert(k, k);
        }
        best_of(reps, "map_lookup_hit_siphash", "ns/op", || {
            let mut sum = 0u64;
            let start = Instant::now();
            for k in &keys {
                sum = sum.wrapping_add(*m.get(k).unwrap());
            }
            let ns = ns_per(start, N);
            black_box(sum);
            ns
        });
    }
    best_of(reps, "map_bytes_per_entry", "bytes/entry", || {
        let before = LIVE_BYTES.load(Ordering::Relaxed);
        let m = build_map(&keys);
        let bytes = LIVE_BYTES.load(Ordering::Relaxed) - before;
        let per = bytes as f64 / m.len() as f64;
        drop(m);
        per
    });

    let push_back = || {
        let start = Instant::now();
        let mut v = Vector::new();
        for i in 0..N {
            v.push_back(i);
        }
        let ns = ns_per(start, N);
        black_box(&v);
        ns
    };
    best_of(reps, "vec_push_back", "ns/op", push_back);
    best_of(reps, "vec_push_back_local", "ns/op", push_back);
    {
        let v = build_vec(N);
        best_of(reps, "vec_get_random", "ns/op", || {
            let mut sum = 0u64;
            let start = Instant::now();
            for &k in &keys {
                sum = sum.wrapping_add(v[(k % N) as usize]);
            }
            let ns = ns_per(start, N);
            black_box(sum);
            ns
        });
        let clone = || {
            const REPS: u64 = 10_000_000;
            let start = Instant::now();
            for _ in 0..REPS {
                let c = v.clone();
                black_box(&c);
            }
            ns_per(start, REPS)
        };
        best_of(reps, "vec_clone", "ns/op", clone);
        best_of(reps, "vec_clone_local", "ns/op", clone);
    }
    let set_persistent = || {
        let mut v = build_vec(N);
        let start = Instant::now();
        for (i, &k) in keys.iter().enumerate() {
            v = v.update((k % N) as usize, i as u64);
        }
        let ns = ns_per(start, N);
        black_box(&v);
        ns
    };
    best_of(reps, "vec_set_persistent", "ns/op", set_persistent);
    best_of(reps, "vec_set_persistent_local", "ns/op", set_persistent);

    let concat = |half: u64, count: u64| {
        let a = build_vec(half);
        let b = build_vec(half);
        let start = Instant::now();
        for _ in 0..count {
            let mut c = a.clone();
            c.append(b.clone());
            black_box(&c);
        }
        ns_per(start, count) / 1000.0
    };
    best_of(reps, "vec_concat_500k", "us/op", || concat(500_000, 200));
    best_of(reps, "vec_concat_1k", "us/op", || concat(500, 100_000));
}
