/*
 * config.c — fuzz target: a configuration file (key = value lines, #
 * comments) through the parser of geopart --config and the checks that
 * follow it (RFC 3339 periods, limits, topics).  The parser reads a path,
 * so each input is an in-memory file opened by its /proc/self/fd name.
 */
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#include "config/config.h"
#include "fuzz.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	gp_log_set_level(GP_LOG_ERROR);
	return 0;
}

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	int fd = memfd_create("geopart-fuzz.conf", MFD_CLOEXEC);
	char path[64];
	gp_config cfg;
	gp_err err;

	if (fd < 0)
		abort();
	if (write(fd, data, size) != (ssize_t)size)
		abort();
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	if (gp_config_defaults(&cfg) == 0 && gp_config_read_file(&cfg, path, &err) == 0)
		gp_config_normalise(&cfg, &err);
	gp_config_clear(&cfg);
	close(fd);
	return 0;
}
