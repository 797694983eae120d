/*
 * hotline: the support agent of the state services hotline.  main() reads
 * the global options and the configuration, then runs one verb from the
 * table; with no verb it starts an interactive chat on the embedded
 * defaults.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "agent/cli/cmd.h"
#include "agent/core/config.h"
#include "agent/core/paths.h"
#include "agent/core/phrases.h"
#include "lib/log.h"
#include "lib/xmalloc.h"

struct verb {
	const char	*word;
	const char	*sub;		/* second word, or NULL */
	cmd_fn		 fn;
	const char	*usage;
};

static const struct verb verbs[] = {
	{ "chat", NULL, cmd_chat, "chat                 talk to the agent "
	  "(type a question, read the answer)" },
	{ "ask", NULL, cmd_ask, "ask TEXT             what a citizen would "
	  "read in reply to TEXT" },
	{ "classify", NULL, cmd_classify, "classify < IN.jsonl  one decision "
	  "line per message (eval format)" },
	{ "kb", "import", cmd_kb_import, "kb import            load "
	  "kb/articles into the database" },
	{ "kb", "history", cmd_kb_history, "kb history ID        versions of "
	  "an article" },
	{ "kb", "search", cmd_kb_search, "kb search [-l LANG] QUERY  ranked "
	  "articles with snippets" },
	{ "kb", "show", cmd_kb_show, "kb show ID [-l LANG]  the full text "
	  "of an article" },
	{ "kb", "check", cmd_kb_check, "kb check [DIR]       lint articles: "
	  "front matter, sources, sections, questions" },
	{ "kb", "eval", cmd_kb_eval, "kb eval FILE.jsonl   which service "
	  "article a labelled set gets" },
	{ "kb", "stale", cmd_kb_stale, "kb stale [--days N]  articles not "
	  "reviewed in N days (180)" },
	{ "kb", "feedback", cmd_kb_feedback, "kb feedback [--since DAY]  "
	  "articles citizens said did not help, most first" },
	{ "intents", "check", cmd_intents_check, "intents check [-l]   lint "
	  "category files; -l: leave-one-out accuracy" },
	{ "intents", "eval", cmd_intents_eval, "intents eval FILE     quality "
	  "on a labelled JSON Lines set" },
	{ "intents", "calibrate", cmd_intents_calibrate, "intents calibrate "
	  "FILE...  fit intents/calib.def on labelled sets (-f: features)" },
	{ "intents", "why", cmd_intents_why, "intents why TEXT      every line, "
	  "evidence and score behind one decision" },
	{ "triage", NULL, cmd_triage, "triage [-v] FILE.eml what each "
	  "letter would get (eval format); sends nothing" },
	{ "request", "show", cmd_request_show, "request show NUMBER  a "
	  "registered request" },
	{ "config", "show", cmd_config_show, "config show          the "
	  "settings in force" },
	{ "serve", NULL, cmd_serve, "serve [-n]           the web chat and "
	  "the operators' console; -n: check and exit" },
	{ "mail", "fetch", cmd_mail_fetch, "mail fetch           answer the "
	  "letters in the mail folder once, then exit" },
	{ "operator", "add", cmd_operator_add, "operator add NAME --role "
	  "operator|senior|admin  an operator account" },
	{ "operator", "list", cmd_operator_list, "operator list        the "
	  "operator accounts, failed sign-ins, waiting addresses" },
	{ "operator", "disable", cmd_operator_disable, "operator disable NAME "
	  "no more sign-ins; sessions end, items back to the queue" },
	{ "operator", "enable", cmd_operator_enable, "operator enable NAME  "
	  "sign-ins again" },
	{ "operator", "remove", cmd_operator_remove, "operator remove NAME  "
	  "the account goes; sessions end, items back to the queue" },
	{ "operator", "role", cmd_operator_role, "operator role NAME ROLE  "
	  "a new role; the account's sessions end" },
	{ "operator", "sessions", cmd_operator_sessions, "operator sessions "
	  "NAME [--revoke]  the account's sessions; end them" },
	{ "audit", "verify", cmd_audit_verify, "audit verify         check "
	  "the journal's keyed chain and its checkpoints" },
	{ "audit", "checkpoint", cmd_audit_checkpoint, "audit checkpoint     "
	  "write the journal's head to the checkpoint file and syslog" },
	{ "retention", "run", cmd_retention_run, "retention run        "
	  "remove personal data of long-closed requests" },
	{ "report", NULL, cmd_report, "report [--from DAY] [--to DAY] [--csv]  "
	  "the supervisor's figures (docs/dashboard.md)" },
};

#define NVERBS	(sizeof(verbs) / sizeof(verbs[0]))

static void
usage(FILE *fp)
{
	size_t	i;

	fprintf(fp, "usage: hotline [-c config] [-d datadir] [-s statedb] "
	    "[verb ...]\n\nverbs:\n");
	for (i = 0; i < NVERBS; i++)
		fprintf(fp, "  %s\n", verbs[i].usage);
	fprintf(fp, "\nWith no verb, hotline starts a chat.\n");
}

int
main(int argc, char **argv)
{
	struct config	 cfg;
	const char	*cfgpath = NULL, *datadir = NULL, *statedb = NULL;
	char		*err;
	size_t		 i;
	int		 ch, rc;

	while ((ch = getopt(argc, argv, "+c:d:hs:")) != -1) {
		switch (ch) {
		case 'c':
			cfgpath = optarg;
			break;
		case 'd':
			datadir = optarg;
			break;
		case 's':
			statedb = optarg;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	argc -= optind;
	argv += optind;

	/* Everything hotline writes (the state database, its WAL and SHM,
	 * attachments, the journal key and checkpoints) holds citizens'
	 * words or secrets: for the owner only, whatever umask we were
	 * started with. */
	umask(077);
	log_init();
	config_defaults(&cfg);
	if (cfgpath == NULL)
		cfgpath = paths_config_file();
	if (cfgpath != NULL && config_load(cfgpath, &cfg, &err) == -1) {
		fprintf(stderr, "hotline: %s\n", err);
		free(err);
		return 1;
	}
	if (datadir != NULL) {
		free(cfg.data_dir);
		cfg.data_dir = xstrdup(datadir);
	}
	if (statedb != NULL) {
		free(cfg.state_db);
		cfg.state_db = xstrdup(statedb);
	}
	if (argc == 0) {
		rc = cmd_chat(&cfg, 0, argv);
		phrases_clear();
		config_clear(&cfg);
		return rc;
	}
	if (strcmp(argv[0], "help") == 0) {
		usage(stdout);
		config_clear(&cfg);
		return 0;
	}
	for (i = 0; i < NVERBS; i++) {
		if (strcmp(verbs[i].word, argv[0]) != 0)
			continue;
		if (verbs[i].sub == NULL) {
			rc = verbs[i].fn(&cfg, argc - 1, argv + 1);
			phrases_clear();
			config_clear(&cfg);
			return rc;
		}
		if (argc > 1 && strcmp(verbs[i].sub, argv[1]) == 0) {
			rc = verbs[i].fn(&cfg, argc - 2, argv + 2);
			phrases_clear();
			config_clear(&cfg);
			return rc;
		}
	}
	fprintf(stderr, "hotline: unknown verb \"%s\"\n", argv[0]);
	usage(stderr);
	config_clear(&cfg);
	return 2;
}
