/* Completions (include/linux/completion.h): the kernel model's, so a wait
 * is a sleep point and complete() works from any context. */
#ifndef _LINUX_COMPLETION_H
#define _LINUX_COMPLETION_H
#include <linux/jiffies.h>
#include <dmacosim/bridge.h>

struct completion {
	void *impl; /* dmacosim: the kernel model's completion */
};

#define init_completion(x) ((void)dmacosim_completion_op(&(x)->impl, DMACOSIM_COMPLETION_INIT))
#define reinit_completion(x) ((void)dmacosim_completion_op(&(x)->impl, DMACOSIM_COMPLETION_REINIT))
#define complete(x) ((void)dmacosim_completion_op(&(x)->impl, DMACOSIM_COMPLETE))
#define complete_all(x) ((void)dmacosim_completion_op(&(x)->impl, DMACOSIM_COMPLETE_ALL))
#define completion_done(x) (dmacosim_completion_op(&(x)->impl, DMACOSIM_COMPLETION_DONE) != 0)
#define wait_for_completion(x) ((void)dmacosim_wait_for_completion(&(x)->impl, -1, __FILE__, __LINE__))
#define wait_for_completion_timeout(x, timeout) \
	dmacosim_wait_for_completion(&(x)->impl, (long)(timeout), __FILE__, __LINE__)
#endif
