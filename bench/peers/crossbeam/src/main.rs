//! crossbeam SegQueue peer for the queue figures of the actor suite (same definitions as
//! spl/actor/actor_bench.cpp). One JSON line per figure, best of SPL_BENCH_REPS runs.

use crossbeam_queue::SegQueue;
use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;
use std::thread;
use std::time::Instant;

/// Counts every byte allocated so bytes per message is measured, not estimated.
struct Counting;
static ALLOCATED: AtomicUsize = AtomicUsize::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        ALLOCATED.fetch_add(layout.size(), Ordering::Relaxed);
        System.alloc(layout)
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        System.dealloc(ptr, layout)
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

fn queue_spsc() -> f64 {
    const N: u64 = 10_000_000;
    let q = Arc::new(SegQueue::<u64>::new());
    let go = Arc::new(AtomicBool::new(false));
    let (pq, pgo) = (q.clone(), go.clone());
    let producer = thread::spawn(move || {
        while !pgo.load(Ordering::Acquire) {}
        for i in 0..N {
            pq.push(i);
        }
    });
    let mut sum = 0u64;
    let start = Instant::now();
    go.store(true, Ordering::Release);
    let mut got = 0;
    while got < N {
        if let Some(v) = q.pop() {
            sum = sum.wrapping_add(v);
            got += 1;
        }
    }
    let elapsed = start.elapsed();
    producer.join().unwrap();
    assert!(sum > 0);
    elapsed.as_nanos() as f64 / N as f64
}

fn bytes_per_msg() -> f64 {
    const N: u64 = 1_000_000;
    let before = ALLOCATED.load(Ordering::Relaxed);
    let q = SegQueue::<u64>::new();
    for i in 0..N {
        q.push(i);
    }
    let after = ALLOCATED.load(Ordering::Relaxed);
    drop(q);
    (after - before) as f64 / N as f64 - 8.0
}

fn p99() -> f64 {
    const N: usize = 200_000;
    let q = Arc::new(SegQueue::<Instant>::new());
    let received = Arc::new(AtomicUsize::new(0));
    let (cq, crec) = (q.clone(), received.clone());
    let consumer = thread::spawn(move || {
        let mut lat = Vec::with_capacity(N);
        while lat.len() < N {
            if let Some(t) = cq.pop() {
                lat.push(t.elapsed().as_nanos() as u64);
                crec.store(lat.len(), Ordering::Release);
            }
        }
        lat
    });
    for i in 0..N {
        q.push(Instant::now());
        while received.load(Ordering::Acquire) <= i {}
    }
    let mut lat = consumer.join().unwrap();
    lat.sort_unstable();
    lat[N * 99 / 100] as f64
}

fn figure(name: &str, unit: &str, n: u64, reps: usize, f: fn() -> f64) {
    let best = (0..reps).map(|_| f()).fold(f64::INFINITY, f64::min);
    println!("{{\"figure\": \"{}\", \"unit\": \"{}\", \"value\": {:.3}, \"n\": {}}}", name, unit, best, n);
}

fn main() {
    let reps = std::env::var("SPL_BENCH_REPS").ok().and_then(|s| s.parse().ok()).unwrap_or(5usize).max(1);
    figure("queue_spsc", "ns/msg", 10_000_000, reps, queue_spsc);
    figure("queue_bytes_per_msg", "bytes", 1_000_000, reps, bytes_per_msg);
    figure("enqueue_dequeue_p99", "ns", 200_000, reps, p99);
}
