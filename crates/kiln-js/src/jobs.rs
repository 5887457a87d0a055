//! The job queue: promise reactions (microtasks) and the engine's own async jobs (module loading).
//!
//! Boa's `SimpleJobExecutor` also runs timers on the real clock; ours leaves timers to
//! [`crate::timers`] and checks the stop signal and the steps budget between jobs.

use std::cell::RefCell;
use std::collections::VecDeque;
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Poll, Waker};

use boa_engine::job::{GenericJob, Job, JobExecutor, NativeAsyncJob, PromiseJob};
use boa_engine::{Context, JsResult, JsValue};

use crate::host::Host;

/// How many times in a row pending async jobs may make no progress before we give up on them
/// (nothing in a Kiln run waits on the outside world, so they never will).
const MAX_IDLE_ROUNDS: usize = 3;

#[derive(Default)]
pub(crate) struct JobQueue {
    promise_jobs: RefCell<VecDeque<PromiseJob>>,
    async_jobs: RefCell<VecDeque<NativeAsyncJob>>,
    generic_jobs: RefCell<VecDeque<GenericJob>>,
}

impl JobQueue {
    fn is_empty(&self) -> bool {
        self.promise_jobs.borrow().is_empty()
            && self.async_jobs.borrow().is_empty()
            && self.generic_jobs.borrow().is_empty()
    }
}

type PendingJob<'a> = Pin<Box<dyn Future<Output = JsResult<JsValue>> + 'a>>;

impl JobExecutor for JobQueue {
    fn enqueue_job(self: Rc<Self>, job: Job, _context: &mut Context) {
        match job {
            Job::PromiseJob(job) => self.promise_jobs.borrow_mut().push_back(job),
            Job::AsyncJob(job) => self.async_jobs.borrow_mut().push_back(job),
            Job::GenericJob(job) => self.generic_jobs.borrow_mut().push_back(job),
            // FinalizationRegistry callbacks never run (Node rarely runs them in short
            // programs either); engine timeout jobs are unused since timers are ours.
            _ => {}
        }
    }

    fn run_jobs(self: Rc<Self>, context: &mut Context) -> JsResult<()> {
        let host = Host::get(context)?;
        let context = RefCell::new(context);
        let mut pending: Vec<PendingJob<'_>> = Vec::new();
        let mut idle_rounds = 0;
        let waker = Waker::noop();
        let mut task = std::task::Context::from_waker(waker);
        loop {
            let queued = self.async_jobs.borrow_mut().drain(..).collect::<Vec<_>>();
            for job in queued {
                pending.push(Box::pin(job.call(&context)));
            }
            let before = pending.len();
            let mut failure = None;
            pending.retain_mut(|job| match job.as_mut().poll(&mut task) {
                Poll::Ready(Ok(_)) => false,
                Poll::Ready(Err(err)) => {
                    failure.get_or_insert(err);
                    false
                }
                Poll::Pending => true,
            });
            if let Some(err) = failure {
                return Err(err);
            }
            let progressed = pending.len() < before;

            loop {
                let job = self.promise_jobs.borrow_mut().pop_front();
                let Some(job) = job else { break };
                host.count_step()?;
                job.call(&mut context.borrow_mut())?;
            }
            loop {
                let job = self.generic_jobs.borrow_mut().pop_front();
                let Some(job) = job else { break };
                host.count_step()?;
                job.call(&mut context.borrow_mut())?;
            }
            context.borrow_mut().clear_kept_objects();

            if self.is_empty() {
                if pending.is_empty() {
                    return Ok(());
                }
                idle_rounds = if progressed { 0 } else { idle_rounds + 1 };
                if idle_rounds > MAX_IDLE_ROUNDS {
                    return Ok(());
                }
            }
        }
    }
}
