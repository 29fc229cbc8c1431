/*
 * replay.c — runs every file of a fuzz corpus through its target once (the
 * `fuzz` test suite; linked with one target each, see tests/meson.build).
 * A crash, a sanitizer report or a hang fails it.
 *
 * usage: fuzz-replay-TARGET DIR...
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"

static int run_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	unsigned char *buf;
	long n;

	if (!f)
		return 1;
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	buf = malloc((size_t)n + 1);
	if (!buf || fread(buf, 1, (size_t)n, f) != (size_t)n) {
		fclose(f);
		free(buf);
		return 1;
	}
	fclose(f);
	LLVMFuzzerTestOneInput(buf, (size_t)n);
	free(buf);
	return 0;
}

int main(int argc, char **argv)
{
	int files = 0, failed = 0;

	LLVMFuzzerInitialize(&argc, &argv);
	for (int a = 1; a < argc; a++) {
		DIR *d = opendir(argv[a]);
		struct dirent *e;

		if (!d) {
			fprintf(stderr, "cannot open %s\n", argv[a]);
			return 1;
		}
		while ((e = readdir(d))) {
			char path[4096];
			if (e->d_name[0] == '.')
				continue;
			snprintf(path, sizeof(path), "%s/%s", argv[a], e->d_name);
			failed += run_file(path);
			files++;
		}
		closedir(d);
	}
	printf("replayed %d corpus files, %d unreadable\n", files, failed);
	return files == 0 || failed ? 1 : 0;
}
