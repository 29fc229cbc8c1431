/*
 * fuzz.h — what every fuzz target defines: libFuzzer's two entry points.
 * Each target is one file; with -Dfuzzing=true (clang) it becomes a
 * libFuzzer executable, and replay.c runs its corpus through the same
 * functions in every build (the `fuzz` test suite).
 */
#ifndef GP_FUZZ_H
#define GP_FUZZ_H

#include <stddef.h>

/* Called once before the first input; sets up what every input needs. */
int LLVMFuzzerInitialize(int *argc, char ***argv);
/* One input; returns 0.  A crash or a sanitizer report is a finding. */
int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);

#endif
