/* main.c - the loa program; everything is in the library (cli/cli.c). */
#include "cli/cli.h"

int main(int argc, char **argv)
{
	return loa_cli_main(argc, argv);
}
