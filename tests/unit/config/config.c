/* Unit tests for config/: defaults, the file reader, validation. */
#include <stdlib.h>
#include <unistd.h>

#include "../check.h"
#include "config/config.h"

static int from_text(gp_config *cfg, const char *text, gp_err *err)
{
	char path[] = "/tmp/gp-config-XXXXXX";
	int fd = mkstemp(path), rc;

	if (write(fd, text, strlen(text)) != (ssize_t)strlen(text))
		return -1;
	close(fd);
	gp_err_clear(err);
	rc = gp_config_read_file(cfg, path, err);
	unlink(path);
	return rc ? rc : gp_config_normalise(cfg, err);
}

int main(void)
{
	gp_config cfg;
	gp_err err;
	char path[256];

	CHECK_INT(gp_config_defaults(&cfg), 0);
	CHECK_STR(cfg.listen, "127.0.0.1:8080");
	CHECK_INT(cfg.ntopics, 8);
	CHECK_STR(cfg.moderation, "post");
	CHECK_INT(from_text(&cfg, "# comment\nthreads = 12\n\nmoderation = pre\n"
	                          "topic = rad | Radverkehr | Cycling\n"
	                          "topic = park | Parks | Parks\n"
	                          "open_until = 2027-01-31T23:59:59+01:00\n", &err), 0);
	CHECK_INT(cfg.threads, 12);
	CHECK_INT(gp_config_premoderation(&cfg), 1);
	CHECK_INT(cfg.ntopics, 2);
	CHECK_STR(cfg.topics[1].label_de, "Parks");
	CHECK_INT(gp_config_has_topic(&cfg, "rad"), 1);
	CHECK_INT(gp_config_has_topic(&cfg, "housing"), 0);
	CHECK_STR(cfg.open_until_utc, "2027-01-31T22:59:59.000Z");
	gp_config_secret_path(&cfg, path, sizeof(path));
	CHECK_STR(path, "geopart.db.secret");

	CHECK_INT(from_text(&cfg, "threads = 1\n", &err), GP_INVALID);
	CHECK_STR(err.field, "threads");
	CHECK(strstr(err.detail, ":1:") != NULL);
	CHECK_INT(from_text(&cfg, "listen\n", &err), GP_INVALID);
	CHECK_INT(from_text(&cfg, "colour = blue\n", &err), GP_INVALID);
	CHECK_INT(from_text(&cfg, "moderation = later\n", &err), GP_INVALID);
	CHECK_STR(err.field, "moderation");
	CHECK_INT(from_text(&cfg, "moderation = post\nopen_from = soon\n", &err), GP_INVALID);
	CHECK_STR(err.field, "open_from");
	CHECK_INT(from_text(&cfg, "open_from = 2027-02-01T00:00:00Z\n"
	                          "open_until = 2027-01-01T00:00:00Z\n", &err), GP_INVALID);
	CHECK_INT(from_text(&cfg, "open_from = \nopen_until = \ntopic = Bad Id | x | y\n", &err),
	          GP_INVALID);
	CHECK_INT(from_text(&cfg, "topic = a | x\n", &err), GP_INVALID);

	CHECK_INT(gp_config_list_has("127.0.0.9, 10.0.0.1 ::1", "10.0.0.1"), 1);
	CHECK_INT(gp_config_list_has("127.0.0.9, 10.0.0.1 ::1", "::1"), 1);
	CHECK_INT(gp_config_list_has("127.0.0.9, 10.0.0.1 ::1", "10.0.0"), 0);
	CHECK_INT(gp_config_list_has("", "x"), 0);
	gp_config_clear(&cfg);
	CHECK_DONE();
}
