/*
 * jobs.h - background jobs of `loa serve`: each job runs in a thread of
 * its own, every `interval` milliseconds, until stopped. A job function
 * gets its state and a stop flag it should check between units of work
 * (an item, a source) so that SIGTERM drains quickly and loses nothing:
 * work is committed in transactions, so an interrupted run resumes next
 * time from what the database holds.
 *
 * The first run starts at once, then one every interval.
 *
 * Ownership: loa_job_start() returns a job freed by loa_job_stop(), which
 * waits for the current run to end; the state is the caller's.
 */
#ifndef LOA_HTTP_JOBS_H
#define LOA_HTTP_JOBS_H

#include <stdatomic.h>

#include "core/err.h"
#include "core/ltime.h"

typedef struct loa_job loa_job;
typedef int (*loa_job_fn)(void *state, const atomic_int *stop);

int loa_job_start(const char *name, loa_ms interval, loa_job_fn fn, void *state, loa_job **out,
		  loa_err *err);
/* Runs the job now (without waiting for its interval). */
void loa_job_kick(loa_job *j);
void loa_job_stop(loa_job *j);

#endif
