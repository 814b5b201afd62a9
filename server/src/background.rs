//! The runtime for the work behind the broker's events: reading the broker's
//! reports and log lines (the admin client) and recording them.
//!
//! It runs on a thread of its own at a lower CPU priority (nice 10). On a
//! machine the broker shares, the broker and the API get the CPU first and
//! this work takes what is left; a burst waits in the bounded queue. Measured
//! with scripts/bench broker on 2 cores: at equal priority, every wake-up of
//! the server preempted the broker, and events cost a quarter of its
//! connection rate. Raising one's own nice value needs no privilege.

use std::future::Future;
use std::sync::OnceLock;

/// Added to the thread's nice value (lower priority).
const NICE: libc::c_int = 10;

fn handle() -> &'static tokio::runtime::Handle {
    static HANDLE: OnceLock<tokio::runtime::Handle> = OnceLock::new();
    HANDLE.get_or_init(|| {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .thread_name("tillor-events")
            .build()
            .expect("a runtime for the broker's events");
        let handle = rt.handle().clone();
        std::thread::Builder::new()
            .name("tillor-events".into())
            .spawn(move || {
                lower_priority();
                rt.block_on(std::future::pending::<()>());
            })
            .expect("a thread for the broker's events");
        handle
    })
}

/// Runs `task` on the events thread.
pub fn spawn<F>(task: F) -> tokio::task::JoinHandle<F::Output>
where
    F: Future + Send + 'static,
    F::Output: Send + 'static,
{
    handle().spawn(task)
}

fn lower_priority() {
    // SAFETY: plain syscalls on this thread's own id.
    let rc = unsafe {
        let tid = libc::syscall(libc::SYS_gettid) as libc::id_t;
        libc::setpriority(libc::PRIO_PROCESS, tid, NICE)
    };
    if rc != 0 {
        tracing::warn!(
            error = %std::io::Error::last_os_error(),
            "could not lower the events thread's priority; it competes with the broker"
        );
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_events_thread_runs_at_the_lower_priority() {
        let nice = std::sync::Arc::new(std::sync::Mutex::new(None));
        let seen = nice.clone();
        let task = super::spawn(async move {
            // SAFETY: reads this thread's own priority.
            let n = unsafe {
                let tid = libc::syscall(libc::SYS_gettid) as libc::id_t;
                libc::getpriority(libc::PRIO_PROCESS, tid)
            };
            *seen.lock().unwrap() = Some(n);
        });
        let rt = tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap();
        rt.block_on(task).unwrap();
        let own = unsafe { libc::getpriority(libc::PRIO_PROCESS, 0) };
        assert_eq!(*nice.lock().unwrap(), Some((own + super::NICE).min(19)));
    }
}
