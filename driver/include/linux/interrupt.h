/* Interrupt handlers and tasklets (include/linux/interrupt.h subset). The
 * handler runs in the kernel model's hardirq context of the line, the
 * tasklet in its TASKLET_SOFTIRQ ("softirq:tasklet <callback name>"). */
#ifndef _LINUX_INTERRUPT_H
#define _LINUX_INTERRUPT_H
#include <linux/bottom_half.h>
#include <linux/irqflags.h>
#include <linux/kernel.h>
#include <linux/preempt.h>

typedef enum irqreturn irqreturn_t;
typedef irqreturn_t (*irq_handler_t)(int, void *);
#define IRQ_RETVAL(x) ((x) ? IRQ_HANDLED : IRQ_NONE)

#define IRQF_SHARED 0x00000080
#define IRQF_TRIGGER_HIGH 0x00000004

#define request_irq(irq, handler, flags, name, dev) \
	dmacosim_request_irq((irq), (handler), (flags), (name), (dev), #handler)
#define free_irq(irq, dev_id) dmacosim_free_irq((irq), (dev_id))

struct tasklet_struct {
	void *impl; /* dmacosim: the kernel model's tasklet */
	unsigned long state;
	bool use_callback;
	union {
		void (*func)(unsigned long data);
		void (*callback)(struct tasklet_struct *t);
	};
	unsigned long data;
};

#define from_tasklet(var, callback_tasklet, tasklet_fieldname) \
	container_of(callback_tasklet, __typeof__(*var), tasklet_fieldname)

#define tasklet_setup(t, cb)                                          \
	do {                                                          \
		(t)->use_callback = true;                             \
		(t)->callback = (cb);                                 \
		dmacosim_tasklet_init((t), &(t)->impl, #cb);          \
	} while (0)
#define tasklet_init(t, fn, d)                                        \
	do {                                                          \
		(t)->use_callback = false;                            \
		(t)->func = (fn);                                     \
		(t)->data = (d);                                      \
		dmacosim_tasklet_init((t), &(t)->impl, #fn);          \
	} while (0)
#define tasklet_schedule(t) dmacosim_tasklet_op(&(t)->impl, DMACOSIM_TASKLET_SCHEDULE, __FILE__, __LINE__)
#define tasklet_hi_schedule(t) dmacosim_tasklet_op(&(t)->impl, DMACOSIM_TASKLET_HI_SCHEDULE, __FILE__, __LINE__)
#define tasklet_kill(t) dmacosim_tasklet_op(&(t)->impl, DMACOSIM_TASKLET_KILL, __FILE__, __LINE__)
#define tasklet_disable(t) dmacosim_tasklet_op(&(t)->impl, DMACOSIM_TASKLET_DISABLE, __FILE__, __LINE__)
#define tasklet_enable(t) dmacosim_tasklet_op(&(t)->impl, DMACOSIM_TASKLET_ENABLE, __FILE__, __LINE__)
#endif
