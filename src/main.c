/*
 * main.c — argv → verb.  Nothing else happens here.
 */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"

#ifndef GP_VERSION
#define GP_VERSION "dev"
#endif

static const char usage[] =
	"usage: geopart <verb> [options]   (geopart <verb> --help for details)\n"
	"\n"
	"  serve             serve the map, the API and the web page\n"
	"  init              create or upgrade the database\n"
	"  import-districts  replace a district layer from GeoJSON\n"
	"  import-points     import walk, workshop or paper points (GeoJSON, CSV)\n"
	"  export            write points as GeoJSON or CSV\n"
	"  check             check the database's integrity\n"
	"  token             create, list and revoke staff tokens\n"
	"  purge             delete what the retention period no longer allows\n"
	"  backup            copy the database while the server runs\n"
	"  survey            check a questionnaire definition\n"
	"  report            write the documentation of results (PDF or HTML)\n"
	"  config            print every setting with its default\n"
	"  version           print the version\n";

int main(int argc, char **argv)
{
	static const struct {
		const char *name;
		int (*run)(int, char **);
	} verbs[] = {
		{ "serve", gp_cli_serve },
		{ "init", gp_cli_init },
		{ "import-districts", gp_cli_import_districts },
		{ "import-points", gp_cli_import_points },
		{ "export", gp_cli_export },
		{ "check", gp_cli_check },
		{ "config", gp_cli_config },
		{ "token", gp_cli_token },
		{ "purge", gp_cli_purge },
		{ "backup", gp_cli_backup },
		{ "survey", gp_cli_survey },
		{ "report", gp_cli_report },
	};

	if (argc < 2) {
		fputs(usage, stderr);
		return 2;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help")) {
		fputs(usage, stdout);
		return 0;
	}
	if (!strcmp(argv[1], "version") || !strcmp(argv[1], "--version")) {
		printf("geopart %s\n", GP_VERSION);
		return 0;
	}
	for (size_t i = 0; i < sizeof(verbs) / sizeof(verbs[0]); i++)
		if (!strcmp(argv[1], verbs[i].name))
			return verbs[i].run(argc - 1, argv + 1);
	fprintf(stderr, "geopart: unknown verb \"%s\"\n%s", argv[1], usage);
	return 2;
}
