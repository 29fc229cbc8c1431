/*
 * check.h — the few assertions unit tests need.  A failed check prints
 * file:line and the values, and the test's exit code counts failures.
 */
#ifndef GP_TEST_CHECK_H
#define GP_TEST_CHECK_H

#include <math.h>
#include <stdio.h>
#include <string.h>

static int check_failures;

#define CHECK(cond)                                                           \
	do {                                                                  \
		if (!(cond)) {                                                \
			fprintf(stderr, "%s:%d: CHECK(%s) failed\n", __FILE__, \
			        __LINE__, #cond);                             \
			check_failures++;                                     \
		}                                                             \
	} while (0)

#define CHECK_INT(got, want)                                                  \
	do {                                                                  \
		long long g_ = (long long)(got), w_ = (long long)(want);      \
		if (g_ != w_) {                                               \
			fprintf(stderr, "%s:%d: %s is %lld, want %lld\n",     \
			        __FILE__, __LINE__, #got, g_, w_);            \
			check_failures++;                                     \
		}                                                             \
	} while (0)

#define CHECK_STR(got, want)                                                  \
	do {                                                                  \
		const char *g_ = (got), *w_ = (want);                         \
		if (!g_ || !w_ || strcmp(g_, w_) != 0) {                      \
			fprintf(stderr, "%s:%d: %s is \"%s\", want \"%s\"\n", \
			        __FILE__, __LINE__, #got, g_ ? g_ : "(null)", \
			        w_ ? w_ : "(null)");                          \
			check_failures++;                                     \
		}                                                             \
	} while (0)

#define CHECK_NEAR(got, want, tol)                                            \
	do {                                                                  \
		double g_ = (got), w_ = (want);                               \
		if (!(fabs(g_ - w_) <= (tol))) {                              \
			fprintf(stderr, "%s:%d: %s is %.10g, want %.10g ± %g\n", \
			        __FILE__, __LINE__, #got, g_, w_, (double)(tol)); \
			check_failures++;                                     \
		}                                                             \
	} while (0)

#define CHECK_DONE()                                                          \
	do {                                                                  \
		if (check_failures)                                           \
			fprintf(stderr, "%d check(s) failed\n", check_failures); \
		return check_failures ? 1 : 0;                                \
	} while (0)

#endif
