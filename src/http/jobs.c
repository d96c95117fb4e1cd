/*
 * jobs.c - periodic background jobs, one thread each.
 */
#include "http/jobs.h"
#include "core/log.h"
#include "core/metrics.h"
#include "core/str.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/banned.h"

struct loa_job {
	char name[32];
	loa_ms interval;
	loa_job_fn fn;
	void *state;
	pthread_t th;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	atomic_int stop;
	int kicked;
};

static void *job_main(void *arg)
{
	loa_job *j = arg;
	char labels[64];
	snprintf(labels, sizeof labels, "job=\"%s\"", j->name);
	for (;;) {
		pthread_mutex_lock(&j->mu);
		if (!atomic_load(&j->stop) && !j->kicked) {
			struct timespec ts;
			clock_gettime(CLOCK_REALTIME, &ts);
			uint64_t ns = (uint64_t)ts.tv_nsec + (uint64_t)j->interval * 1000000ull;
			ts.tv_sec += (time_t)(ns / 1000000000ull);
			ts.tv_nsec = (long)(ns % 1000000000ull);
			pthread_cond_timedwait(&j->cv, &j->mu, &ts);
		}
		j->kicked = 0;
		pthread_mutex_unlock(&j->mu);
		if (atomic_load(&j->stop))
			break;
		uint64_t t0 = loa_mono_ns();
		int rc = j->fn(j->state, &j->stop);
		double secs = (double)(loa_mono_ns() - t0) / 1e9;
		loa_metric_observe("loa_job_seconds", labels, secs);
		if (rc) {
			loa_metric_add("loa_job_errors_total", labels, 1);
			loa_warn("job.error", "job=%s rc=%d", j->name, rc);
		}
	}
	return NULL;
}

int loa_job_start(const char *name, loa_ms interval, loa_job_fn fn, void *state, loa_job **out,
		  loa_err *err)
{
	loa_job *j = calloc(1, sizeof *j);
	if (!j)
		return loa_err_set(err, LOA_ENOMEM, "out of memory");
	loa_strlcpy(j->name, name, sizeof j->name);
	j->interval = interval > 0 ? interval : 1000;
	j->fn = fn;
	j->state = state;
	j->kicked = 1; /* the first run starts at once */
	pthread_mutex_init(&j->mu, NULL);
	pthread_cond_init(&j->cv, NULL);
	loa_metric_help("loa_job_seconds", LOA_METRIC_HISTOGRAM, "Duration of background job runs.");
	loa_metric_help("loa_job_errors_total", LOA_METRIC_COUNTER, "Background job runs that failed.");
	if (pthread_create(&j->th, NULL, job_main, j) != 0) {
		free(j);
		return loa_err_set(err, LOA_EIO, "cannot start job %s", name);
	}
	*out = j;
	return LOA_OK;
}

void loa_job_kick(loa_job *j)
{
	pthread_mutex_lock(&j->mu);
	j->kicked = 1;
	pthread_cond_signal(&j->cv);
	pthread_mutex_unlock(&j->mu);
}

void loa_job_stop(loa_job *j)
{
	if (!j)
		return;
	pthread_mutex_lock(&j->mu);
	atomic_store(&j->stop, 1);
	pthread_cond_signal(&j->cv);
	pthread_mutex_unlock(&j->mu);
	pthread_join(j->th, NULL);
	pthread_mutex_destroy(&j->mu);
	pthread_cond_destroy(&j->cv);
	free(j);
}
