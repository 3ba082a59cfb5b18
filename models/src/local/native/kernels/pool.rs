//! A persistent thread pool for the matmuls: N-1 workers plus the calling thread, tasks handed
//! out by an atomic counter, workers spin briefly after a job and then park, so an idle pool
//! costs no CPU and back-to-back matmuls do not pay a wake-up.

use std::any::Any;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::atomic::{AtomicBool, AtomicPtr, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// How long a worker spins on the generation counter before parking.
const SPIN: Duration = Duration::from_micros(50);

/// A task of the pool panicked; the message of the first panic.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("a thread-pool task panicked: {message}")]
pub(crate) struct PoolPanic {
    pub message: String,
}

/// One parallel call, living on the caller's stack for the duration of the call.
struct Job {
    /// The caller's closure, type-erased: `data` points to an `F`, `call` is `call_erased::<F>`.
    data: *const (),
    call: unsafe fn(*const (), usize),
    tasks: usize,
    next: AtomicUsize,
    /// Workers that have finished with this job (they never touch it afterwards).
    done: AtomicUsize,
    panic: Mutex<Option<String>>,
}

/// Calls the erased closure.
///
/// # Safety
/// `data` must point to a live `F`.
unsafe fn call_erased<F: Fn(usize) + Sync>(data: *const (), i: usize) {
    // SAFETY: the caller guarantees `data` is the `&F` stored by `run`, alive for the call.
    let f = unsafe { &*data.cast::<F>() };
    f(i);
}

impl Job {
    /// Takes tasks until none are left; panics are caught and recorded.
    fn work(&self) {
        loop {
            let i = self.next.fetch_add(1, Ordering::Relaxed);
            if i >= self.tasks {
                return;
            }
            // SAFETY: `data`/`call` were built together from one `&F` that outlives the job
            // (see `ThreadPool::run`).
            let result = catch_unwind(AssertUnwindSafe(|| unsafe { (self.call)(self.data, i) }));
            if let Err(payload) = result {
                let mut slot = lock(&self.panic);
                if slot.is_none() {
                    *slot = Some(panic_message(payload.as_ref()));
                }
                // Skip the remaining tasks: the call fails anyway.
                self.next.store(self.tasks, Ordering::Relaxed);
            }
        }
    }
}

/// What the workers share with the pool.
struct Shared {
    /// Bumped once per job (and on shutdown); workers compare it with the last one they ran.
    generation: AtomicU64,
    /// The current job, valid while its generation is the current one and its call runs.
    job: AtomicPtr<Job>,
    shutdown: AtomicBool,
    /// Workers parked (or about to park) on `wake`.
    sleepers: AtomicUsize,
    lock: Mutex<()>,
    wake: Condvar,
}

/// A persistent pool of `threads - 1` workers; the calling thread is the last one.
pub(crate) struct ThreadPool {
    shared: Arc<Shared>,
    workers: Vec<JoinHandle<()>>,
    /// One call at a time; a second concurrent (or nested) call runs on its caller alone.
    busy: Mutex<()>,
}

impl std::fmt::Debug for ThreadPool {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ThreadPool")
            .field("threads", &self.threads())
            .finish()
    }
}

/// Locks a mutex, ignoring poison (no code panics while holding these locks).
fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

fn panic_message(payload: &(dyn Any + Send)) -> String {
    if let Some(s) = payload.downcast_ref::<&str>() {
        (*s).to_owned()
    } else if let Some(s) = payload.downcast_ref::<String>() {
        s.clone()
    } else {
        "non-string panic payload".to_owned()
    }
}

impl ThreadPool {
    /// The default size: physical cores (sysinfo), else available parallelism, else 1.
    pub fn default_threads() -> usize {
        sysinfo::System::physical_core_count()
            .ok()
            .filter(|&n| n > 0)
            .or_else(|| std::thread::available_parallelism().ok().map(usize::from))
            .unwrap_or(1)
    }

    /// A pool of `threads` threads including the caller (at least 1). A worker that cannot be
    /// spawned just makes the pool smaller.
    pub fn new(threads: usize) -> Self {
        let shared = Arc::new(Shared {
            generation: AtomicU64::new(0),
            job: AtomicPtr::new(std::ptr::null_mut()),
            shutdown: AtomicBool::new(false),
            sleepers: AtomicUsize::new(0),
            lock: Mutex::new(()),
            wake: Condvar::new(),
        });
        let mut workers = Vec::new();
        for i in 1..threads.max(1) {
            let s = Arc::clone(&shared);
            let spawned = std::thread::Builder::new()
                .name(format!("agent-kernels-{i}"))
                .spawn(move || worker(&s));
            match spawned {
                Ok(h) => workers.push(h),
                Err(_) => break,
            }
        }
        Self {
            shared,
            workers,
            busy: Mutex::new(()),
        }
    }

    /// Threads taking part in a call, the caller included.
    pub fn threads(&self) -> usize {
        self.workers.len() + 1
    }

    /// Calls f(chunk_index, chunk) for data.chunks_mut(chunk_len) (chunk_len 0 counts as 1),
    /// spread over the threads; returns when all are done. Panics in f come back as Err.
    pub fn for_each_chunk<T: Send>(
        &self,
        data: &mut [T],
        chunk_len: usize,
        f: impl Fn(usize, &mut [T]) + Sync,
    ) -> Result<(), PoolPanic> {
        let chunk_len = chunk_len.max(1);
        let len = data.len();
        let tasks = len.div_ceil(chunk_len);
        let base = SendPtr(data.as_mut_ptr());
        self.for_each(tasks, |i| {
            let start = i * chunk_len;
            let n = chunk_len.min(len - start);
            // SAFETY: task i is run exactly once (the atomic counter hands each index out once),
            // chunks of distinct tasks are disjoint and inside `data`, and `data` stays mutably
            // borrowed by this call until every task has finished.
            let chunk = unsafe { std::slice::from_raw_parts_mut(base.get().add(start), n) };
            f(i, chunk);
        })
    }

    /// Calls f(i) for i in 0..tasks spread over the threads; returns when all are done.
    pub fn for_each(&self, tasks: usize, f: impl Fn(usize) + Sync) -> Result<(), PoolPanic> {
        if tasks == 0 {
            return Ok(());
        }
        let job = Job {
            data: (&raw const f).cast::<()>(),
            call: erased_for(&f),
            tasks,
            next: AtomicUsize::new(0),
            done: AtomicUsize::new(0),
            panic: Mutex::new(None),
        };
        let guard = self.busy.try_lock();
        if self.workers.is_empty() || guard.is_err() {
            job.work();
        } else {
            self.run(&job);
        }
        drop(guard);
        match job
            .panic
            .into_inner()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
        {
            Some(message) => Err(PoolPanic { message }),
            None => Ok(()),
        }
    }

    /// Publishes `job` to the workers, works on it too, and waits until every worker is done
    /// with it. Only one `run` at a time (the `busy` lock).
    fn run(&self, job: &Job) {
        let s = &*self.shared;
        s.job
            .store((job as *const Job).cast_mut(), Ordering::Release);
        s.generation.fetch_add(1, Ordering::SeqCst);
        if s.sleepers.load(Ordering::SeqCst) > 0 {
            let _g = lock(&s.lock);
            s.wake.notify_all();
        }
        job.work();
        // Wait for every worker to be finished with `job`: after this, no worker holds a pointer
        // into this stack frame, so the closure may be dropped and `data` reused. Tasks never
        // unwind past `work` (caught), so this wait is reached also when f panics.
        let mut spins = 0u32;
        while job.done.load(Ordering::Acquire) < self.workers.len() {
            spins += 1;
            if spins < 1 << 14 {
                std::hint::spin_loop();
            } else {
                std::thread::yield_now();
            }
        }
        s.job.store(std::ptr::null_mut(), Ordering::Relaxed);
    }
}

/// The erased call for the closure type of `f`.
fn erased_for<F: Fn(usize) + Sync>(_: &F) -> unsafe fn(*const (), usize) {
    call_erased::<F>
}

/// A raw pointer that may cross threads (the chunking above keeps accesses disjoint).
struct SendPtr<T>(*mut T);
impl<T> Clone for SendPtr<T> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<T> Copy for SendPtr<T> {}
// SAFETY: used only to hand disjoint chunks of a `&mut [T]` with `T: Send` to other threads.
unsafe impl<T: Send> Send for SendPtr<T> {}
// SAFETY: as above; the pointer itself is only copied, and each chunk is touched by one task.
unsafe impl<T: Send> Sync for SendPtr<T> {}
impl<T> SendPtr<T> {
    fn get(self) -> *mut T {
        self.0
    }
}

/// A worker: wait for a new generation (spin, then park), work on its job, report done.
fn worker(s: &Shared) {
    let mut seen = 0u64;
    loop {
        let start = Instant::now();
        let mut spins = 0u32;
        let mut current = s.generation.load(Ordering::Acquire);
        while current == seen {
            spins += 1;
            if spins.is_multiple_of(64) && start.elapsed() > SPIN {
                let mut g = lock(&s.lock);
                s.sleepers.fetch_add(1, Ordering::SeqCst);
                loop {
                    current = s.generation.load(Ordering::SeqCst);
                    if current != seen {
                        break;
                    }
                    g = s
                        .wake
                        .wait(g)
                        .unwrap_or_else(std::sync::PoisonError::into_inner);
                }
                s.sleepers.fetch_sub(1, Ordering::SeqCst);
                break;
            }
            std::hint::spin_loop();
            current = s.generation.load(Ordering::Acquire);
        }
        seen = current;
        if s.shutdown.load(Ordering::Acquire) {
            return;
        }
        let ptr = s.job.load(Ordering::Acquire);
        // SAFETY: a generation bump without shutdown comes from `run`, which stored the job
        // pointer before the bump and does not return (so the job stays alive) until this worker
        // has incremented `done` below — the last access this worker makes to the job.
        let job = unsafe { &*ptr };
        job.work();
        job.done.fetch_add(1, Ordering::Release);
    }
}

impl Drop for ThreadPool {
    fn drop(&mut self) {
        let s = &*self.shared;
        s.shutdown.store(true, Ordering::Release);
        {
            let _g = lock(&s.lock);
            s.generation.fetch_add(1, Ordering::SeqCst);
            s.wake.notify_all();
        }
        for h in self.workers.drain(..) {
            let _ = h.join();
        }
    }
}
