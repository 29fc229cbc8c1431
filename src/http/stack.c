/*
 * stack.c — running request handlers on a stack big enough for them.
 *
 * Debian's civetweb gives its worker threads 100 KiB of stack
 * (USE_STACK_SIZE, fixed at its build).  jansson, SQLite, SpatiaLite, GEOS
 * and PROJ recurse or keep large frames; a deeply nested JSON body alone
 * overflowed it.  So each database worker owns a 4 MiB stack (with a guard
 * page, so an overflow is a clean crash, never silent corruption), and the
 * thread it is lent to (pool.c) switches to it with swapcontext for the
 * handler and back.  The stacks stay with the few workers, not with the
 * many threads, so their touched pages are counted a few times only.
 *
 * Invariant: a worker stack is used by one thread at a time (the one its
 * worker is lent to), one call at a time; the call runs to completion
 * before the thread continues.
 */
#include <stdlib.h>
#include <sys/mman.h>
#include <ucontext.h>
#include <unistd.h>

#include "http_int.h"

#if defined(__SANITIZE_ADDRESS__)
#define GP_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define GP_ASAN 1
#endif
#endif

#ifdef GP_ASAN
#include <sanitizer/common_interface_defs.h>
#endif

#define STACK_SIZE (4u << 20)

struct gp_http_stack {
	unsigned char *base; /* including the guard page */
	size_t size;
	size_t guard;
	ucontext_t caller;
	ucontext_t callee;
	void (*fn)(void *);
	void *arg;
#ifdef GP_ASAN
	const void *caller_bottom;
	size_t caller_size;
#endif
};

/* The call being made on this thread; read once by the trampoline. */
static _Thread_local gp_http_stack *current;

int gp_http_stack_new(gp_http_stack **out)
{
	gp_http_stack *s = calloc(1, sizeof(*s));
	long page = sysconf(_SC_PAGESIZE);

	*out = NULL;
	if (!s)
		return GP_ENOMEM;
	s->guard = page > 0 ? (size_t)page : 4096;
	s->size = STACK_SIZE + s->guard;
	s->base = mmap(NULL, s->size, PROT_READ | PROT_WRITE,
	               MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | MAP_STACK, -1, 0);
	if (s->base == MAP_FAILED) {
		free(s);
		return GP_ENOMEM;
	}
	/* Stacks grow down: the guard is the lowest page. */
	if (mprotect(s->base, s->guard, PROT_NONE) != 0) {
		munmap(s->base, s->size);
		free(s);
		return GP_EFAULT;
	}
	*out = s;
	return 0;
}

void gp_http_stack_free(gp_http_stack *s)
{
	if (!s)
		return;
	munmap(s->base, s->size);
	free(s);
}

static void trampoline(void)
{
	gp_http_stack *s = current;

#ifdef GP_ASAN
	__sanitizer_finish_switch_fiber(NULL, &s->caller_bottom, &s->caller_size);
#endif
	s->fn(s->arg);
#ifdef GP_ASAN
	__sanitizer_start_switch_fiber(NULL, s->caller_bottom, s->caller_size);
#endif
	/* returning resumes s->caller through uc_link */
}

int gp_http_stack_run(gp_http_stack *s, void (*fn)(void *), void *arg)
{
#ifdef GP_ASAN
	void *fake = NULL;
#endif

	if (!s) {
		fn(arg);
		return 0;
	}
	s->fn = fn;
	s->arg = arg;
	if (getcontext(&s->callee) != 0)
		return GP_EFAULT;
	s->callee.uc_stack.ss_sp = s->base + s->guard;
	s->callee.uc_stack.ss_size = s->size - s->guard;
	s->callee.uc_link = &s->caller;
	makecontext(&s->callee, trampoline, 0);
	current = s;
#ifdef GP_ASAN
	__sanitizer_start_switch_fiber(&fake, s->base + s->guard, s->size - s->guard);
#endif
	if (swapcontext(&s->caller, &s->callee) != 0)
		return GP_EFAULT;
#ifdef GP_ASAN
	__sanitizer_finish_switch_fiber(fake, NULL, NULL);
#endif
	current = NULL;
	return 0;
}
