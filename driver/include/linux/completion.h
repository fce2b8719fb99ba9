/* Completions (include/linux/completion.h): the kernel model's, so a wait
 * is a sleep point and complete() works from any context. */
#ifndef _LINUX_COMPLETION_H
#define _LINUX_COMPLETION_H
#include <linux/jiffies.h>
#include <linux/types.h>
#include <dmacosim/bridge.h>

struct completion {
	void *impl; /* dmacosim: the kernel model's completion */
};

/* impl NULL: the first use initialises it (bridge.cpp: completion_of()). */
#define COMPLETION_INITIALIZER(work) { NULL }
#define COMPLETION_INITIALIZER_ONSTACK(work) { NULL }
#define DECLARE_COMPLETION(work) struct completion work = COMPLETION_INITIALIZER(work)
#define DECLARE_COMPLETION_ONSTACK(work) struct completion work = COMPLETION_INITIALIZER_ONSTACK(work)

static inline void init_completion(struct completion *x) { dmacosim_completion_op(&x->impl, DMACOSIM_COMPLETION_INIT); }
static inline void reinit_completion(struct completion *x)
{
	dmacosim_completion_op(&x->impl, DMACOSIM_COMPLETION_REINIT);
}
static inline void complete(struct completion *x) { dmacosim_completion_op(&x->impl, DMACOSIM_COMPLETE); }
static inline void complete_all(struct completion *x) { dmacosim_completion_op(&x->impl, DMACOSIM_COMPLETE_ALL); }
static inline bool completion_done(struct completion *x)
{
	return dmacosim_completion_op(&x->impl, DMACOSIM_COMPLETION_DONE) != 0;
}
#define wait_for_completion(x) ((void)dmacosim_wait_for_completion(&(x)->impl, -1, __FILE__, __LINE__))
#define wait_for_completion_timeout(x, timeout) \
	dmacosim_wait_for_completion(&(x)->impl, (long)(timeout), __FILE__, __LINE__)
#endif
