/*
 * The configuration file: the embedded defaults; a file setting every key
 * in either "key value" or "key = value" form, with comments and blank
 * lines; each mistake (unknown key, number out of range or not a number,
 * fraction for a whole number, bad address or date) reported as
 * "name:line: reason" leaving the configuration as it was; and the printed
 * configuration reading back to the same values.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "agent/core/config.h"

Suite	*config_suite(void);

static int
parse(const char *text, struct config *cfg, char **err_r)
{
	*err_r = NULL;
	return config_parse("hotline.conf", text, strlen(text), cfg, err_r);
}

static void
parse_ok(const char *text, struct config *cfg)
{
	char	*err;

	if (parse(text, cfg, &err) == -1)
		ck_abort_msg("parse: %s", err);
}

/* Asserts that text fails with "hotline.conf:line: " + why and leaves a
 * configuration holding the defaults and data_dir "/keep" untouched. */
static void
assert_error(const char *text, size_t line, const char *why)
{
	struct config			 cfg;
	struct classifier_config	 def;
	char				*err, want[128];

	config_defaults(&cfg);
	parse_ok("data_dir /keep\nanswer_min 0.5\n", &cfg);
	snprintf(want, sizeof want, "hotline.conf:%zu: %s", line, why);
	ck_assert_int_eq(parse(text, &cfg, &err), -1);
	ck_assert_ptr_nonnull(err);
	ck_assert_msg(strncmp(err, want, strlen(want)) == 0,
	    "got \"%s\", want \"%s...\"", err, want);
	free(err);
	ck_assert_str_eq(cfg.data_dir, "/keep");
	ck_assert_ptr_null(cfg.state_db);
	ck_assert(cfg.classifier.answer_min == 0.5);
	classifier_config_defaults(&def);
	ck_assert(cfg.classifier.margin_min == def.margin_min);
	ck_assert(cfg.classifier.temperature == def.temperature);
	config_clear(&cfg);
}

static int
same_classifier(const struct classifier_config *a,
    const struct classifier_config *b)
{
	return a->answer_min == b->answer_min &&
	    a->answer_sure == b->answer_sure &&
	    a->evidence_min == b->evidence_min &&
	    a->margin_min == b->margin_min &&
	    a->rival_max == b->rival_max &&
	    a->clarify_min == b->clarify_min &&
	    a->decline_min == b->decline_min &&
	    a->person_min == b->person_min &&
	    a->temperature == b->temperature &&
	    a->weak_yield == b->weak_yield &&
	    a->w_rule == b->w_rule && a->w_example == b->w_example &&
	    a->w_example2 == b->w_example2 && a->w_article == b->w_article &&
	    a->topic.min == b->topic.min && a->topic.margin == b->topic.margin &&
	    a->topic.clarify == b->topic.clarify &&
	    a->topic.rescue == b->topic.rescue &&
	    a->topic.rescue_oos == b->topic.rescue_oos &&
	    a->topic.keep_kind == b->topic.keep_kind &&
	    a->topic.far == b->topic.far &&
	    a->topic.far_share == b->topic.far_share &&
	    a->topic.strong == b->topic.strong &&
	    a->topic.lead_min == b->topic.lead_min &&
	    a->topic.record_min == b->topic.record_min &&
	    a->model_veto == b->model_veto && a->spelling == b->spelling;
}

START_TEST(defaults_are_the_classifier_defaults_and_no_paths)
{
	struct config			cfg;
	struct classifier_config	def;

	memset(&cfg, 0xa5, sizeof cfg);
	config_defaults(&cfg);
	classifier_config_defaults(&def);
	ck_assert_ptr_null(cfg.data_dir);
	ck_assert_ptr_null(cfg.state_db);
	ck_assert(same_classifier(&cfg.classifier, &def));
	ck_assert(def.answer_min > 0 && def.answer_min <= 1);
	ck_assert(def.temperature > 0);
	config_clear(&cfg);
}
END_TEST

/* Every setting, each with a value other than its default. */
static const char every_key[] =
    "# hotline configuration\n"
    "\n"
    "data_dir /srv/hotline\n"
    "state_db /var/lib/hotline/state.sqlite\n"
    "answer_min 0.61\n"
    "answer_sure 0.99\n"
    "evidence_min 0.66\n"
    "margin_min 0.15\n"
    "rival_max 0.45\n"
    "clarify_min 0.8\n"
    "decline_min 0.4\n"
    "person_min 5\n"
    "temperature 0.2\n"
    "weak_yield 1.5\n"
    "weight_rule 0.3\n"
    "weight_example 0.9\n"
    "weight_example2 0.25\n"
    "weight_article 0.125\n"
    "topic_min 0.2\n"
    "topic_margin 0.05\n"
    "topic_clarify 0.9\n"
    "topic_rescue 0.5\n"
    "topic_rescue_oos 0.75\n"
    "topic_keep_kind 0.3\n"
    "topic_far 0.45\n"
    "topic_far_share 0.3\n"
    "topic_strong 0.5\n"
    "topic_lead_min 0.35\n"
    "topic_record_min 0.3\n"
    "model_veto 0.7\n"
    "spelling 0\n"
    "listen [::1]:8443\n"
    "www_dir /srv/www\n"
    "mail_address Support@Hotline.example\n"
    "holidays 2026-01-01, 2026-01-07,2026-05-09\n"
    "retention_days 365\n"
    "journal_checkpoints /srv/audit/journal.checkpoints\n"
    "checkpoint_minutes 30\n"
    "threads 8\n"
    "max_connections 500\n"
    "per_ip_connections 10\n"
    "connection_timeout 60\n"
    "sessions_per_minute 5\n"
    "messages_per_minute 12\n"
    "keepalive_seconds 15\n"
    "header_timeout 7\n"
    "trusted_proxies 10.0.0.1, 192.168.0.0/16 fd00::/8\n"
    "proxy_header Forwarded\n"
    "cookie_secure 1\n"
    "metrics_access token\n"
    "metrics_token_file /etc/hotline/metrics.secret\n"
    "upload_conversation_mib 20\n"
    "upload_address_mib_per_day 500\n"
    "unopened_attachment_days 14\n"
    "imap_host mail.example.org\n"
    "imap_port 993\n"
    "imap_security tls\n"
    "imap_user support\n"
    "imap_password s3cret word\n"
    "imap_password_file /etc/hotline/imap.secret\n"
    "imap_folder Support\n"
    "imap_quarantine Support.Bad\n"
    "imap_poll_seconds 120\n"
    "smtp_url smtps://mail.example.org:465\n"
    "smtp_security tls\n"
    "smtp_user support\n"
    "smtp_password another\n"
    "smtp_password_file /etc/hotline/smtp.secret\n"
    "mail_ca_file /etc/hotline/ca.pem\n"
    "auto_replies_per_hour 3\n"
    "auto_replies_per_day 10\n";

/* The settings config_print writes: lines other than "# help". */
static size_t
printed_settings(const struct config *cfg)
{
	FILE	*fp;
	char	*buf = NULL, *p;
	size_t	 len = 0, n = 0;

	fp = open_memstream(&buf, &len);
	ck_assert_ptr_nonnull(fp);
	config_print(cfg, fp);
	ck_assert_int_eq(fclose(fp), 0);
	for (p = buf; *p != '\0'; p = strchr(p, '\n') + 1) {
		if (strncmp(p, "# ", 2) != 0)
			n++;
		if (strchr(p, '\n') == NULL)
			break;
	}
	free(buf);
	return n;
}

static size_t
count_settings(const char *text)
{
	const char	*p;
	size_t		 n = 0;

	for (p = text; *p != '\0'; p = strchr(p, '\n') + 1)
		if (*p != '#' && *p != '\n')
			n++;
	return n;
}

START_TEST(file_setting_every_key_sets_every_value)
{
	struct config	cfg;

	config_defaults(&cfg);
	parse_ok(every_key, &cfg);
	/* A new setting belongs in every_key too. */
	ck_assert_uint_eq(count_settings(every_key), printed_settings(&cfg));
	ck_assert_str_eq(cfg.data_dir, "/srv/hotline");
	ck_assert_str_eq(cfg.state_db, "/var/lib/hotline/state.sqlite");
	ck_assert(cfg.classifier.answer_min == 0.61);
	ck_assert(cfg.classifier.answer_sure == 0.99);
	ck_assert(cfg.classifier.evidence_min == 0.66);
	ck_assert(cfg.classifier.margin_min == 0.15);
	ck_assert(cfg.classifier.rival_max == 0.45);
	ck_assert(cfg.classifier.clarify_min == 0.8);
	ck_assert(cfg.classifier.decline_min == 0.4);
	ck_assert(cfg.classifier.person_min == 5);
	ck_assert(cfg.classifier.temperature == 0.2);
	ck_assert(cfg.classifier.weak_yield == 1.5);
	ck_assert(cfg.classifier.w_rule == 0.3);
	ck_assert(cfg.classifier.w_example == 0.9);
	ck_assert(cfg.classifier.w_example2 == 0.25);
	ck_assert(cfg.classifier.w_article == 0.125);
	ck_assert(cfg.classifier.topic.min == 0.2);
	ck_assert(cfg.classifier.topic.margin == 0.05);
	ck_assert(cfg.classifier.topic.clarify == 0.9);
	ck_assert(cfg.classifier.topic.rescue == 0.5);
	ck_assert(cfg.classifier.topic.rescue_oos == 0.75);
	ck_assert(cfg.classifier.topic.keep_kind == 0.3);
	ck_assert(cfg.classifier.topic.far == 0.45);
	ck_assert(cfg.classifier.topic.far_share == 0.3);
	ck_assert(cfg.classifier.topic.strong == 0.5);
	ck_assert(cfg.classifier.topic.lead_min == 0.35);
	ck_assert(cfg.classifier.topic.record_min == 0.3);
	ck_assert(cfg.classifier.model_veto == 0.7);
	ck_assert_int_eq(cfg.classifier.spelling, 0);
	ck_assert_str_eq(cfg.listen, "[::1]:8443");
	ck_assert_str_eq(cfg.www_dir, "/srv/www");
	ck_assert_str_eq(cfg.mail_address, "Support@Hotline.example");
	ck_assert_str_eq(cfg.holidays, "2026-01-01, 2026-01-07,2026-05-09");
	ck_assert_int_eq(cfg.retention_days, 365);
	ck_assert_int_eq(cfg.threads, 8);
	ck_assert_int_eq(cfg.max_connections, 500);
	ck_assert_int_eq(cfg.per_ip_connections, 10);
	ck_assert_int_eq(cfg.connection_timeout, 60);
	ck_assert_int_eq(cfg.sessions_per_minute, 5);
	ck_assert_int_eq(cfg.messages_per_minute, 12);
	ck_assert_int_eq(cfg.keepalive_seconds, 15);
	ck_assert_int_eq(cfg.header_timeout, 7);
	ck_assert_str_eq(cfg.trusted_proxies, "10.0.0.1, 192.168.0.0/16 "
	    "fd00::/8");
	ck_assert(config_proxy_forwarded(cfg.proxy_header));
	ck_assert_int_eq(cfg.cookie_secure, 1);
	ck_assert_int_eq(config_metrics(cfg.metrics_access),
	    CONFIG_METRICS_TOKEN);
	ck_assert_str_eq(cfg.metrics_token_file,
	    "/etc/hotline/metrics.secret");
	ck_assert_int_eq(cfg.upload_conversation_mib, 20);
	ck_assert_int_eq(cfg.upload_address_mib_per_day, 500);
	ck_assert_int_eq(cfg.unopened_attachment_days, 14);
	ck_assert_str_eq(cfg.imap_host, "mail.example.org");
	ck_assert_int_eq(cfg.imap_port, 993);
	ck_assert_str_eq(cfg.imap_security, "tls");
	ck_assert_str_eq(cfg.imap_user, "support");
	ck_assert_str_eq(cfg.imap_password, "s3cret word");
	ck_assert_str_eq(cfg.imap_password_file, "/etc/hotline/imap.secret");
	ck_assert_str_eq(cfg.imap_folder, "Support");
	ck_assert_str_eq(cfg.imap_quarantine, "Support.Bad");
	ck_assert_int_eq(cfg.imap_poll_seconds, 120);
	ck_assert_str_eq(cfg.smtp_url, "smtps://mail.example.org:465");
	ck_assert_str_eq(cfg.smtp_security, "tls");
	ck_assert_str_eq(cfg.smtp_user, "support");
	ck_assert_str_eq(cfg.smtp_password, "another");
	ck_assert_str_eq(cfg.smtp_password_file, "/etc/hotline/smtp.secret");
	ck_assert_str_eq(cfg.mail_ca_file, "/etc/hotline/ca.pem");
	ck_assert_int_eq(cfg.auto_replies_per_hour, 3);
	ck_assert_int_eq(cfg.auto_replies_per_day, 10);
	config_clear(&cfg);
	ck_assert_ptr_null(cfg.imap_host);
	ck_assert_ptr_null(cfg.imap_password);
	ck_assert_ptr_null(cfg.smtp_url);
	ck_assert_ptr_null(cfg.data_dir);
	ck_assert_ptr_null(cfg.state_db);
	ck_assert_ptr_null(cfg.listen);
	ck_assert_ptr_null(cfg.www_dir);
	ck_assert_ptr_null(cfg.mail_address);
	ck_assert_ptr_null(cfg.holidays);
}
END_TEST

START_TEST(whole_number_settings_refuse_fractions_and_range)
{
	assert_error("threads 2.5\n", 1,
	    "threads: a whole number from 1 to 64");
	assert_error("threads 65\n", 1, "threads: a whole number");
	assert_error("threads 0\n", 1, "threads: a whole number");
	assert_error("max_connections 15\n", 1, "max_connections: a whole");
	assert_error("retention_days many\n", 1, "retention_days: a whole");
	assert_error("trusted_proxies 10.0.0.0/33\n", 1,
	    "trusted_proxies: a network's prefix");
	assert_error("trusted_proxies proxy.example.org\n", 1,
	    "trusted_proxies: addresses or networks");
	assert_error("metrics_access everyone\n", 1,
	    "metrics_access: loopback, open or token");
	assert_error("proxy_header X-Real-IP\n", 1,
	    "proxy_header: x-forwarded-for or forwarded");
}
END_TEST

START_TEST(listen_needs_a_numeric_address_and_a_port)
{
	struct config	cfg;
	char		addr[64];
	int		port = 0;

	assert_error("listen localhost:8080\n", 1, "listen: ");
	assert_error("listen 127.0.0.1\n", 1, "listen: ");
	assert_error("listen 127.0.0.1:0\n", 1, "listen: ");
	assert_error("listen 127.0.0.1:65536\n", 1, "listen: ");
	assert_error("listen 999.0.0.1:80\n", 1, "listen: ");
	assert_error("listen [::1:80\n", 1, "listen: ");
	config_defaults(&cfg);
	parse_ok("listen = 0.0.0.0:80\n", &cfg);
	ck_assert_int_eq(config_listen_parse(cfg.listen, addr, sizeof addr,
	    &port), 0);
	ck_assert_str_eq(addr, "0.0.0.0");
	ck_assert_int_eq(port, 80);
	ck_assert_int_eq(config_listen_parse("[::1]:8080", addr, sizeof addr,
	    &port), 0);
	ck_assert_str_eq(addr, "::1");
	ck_assert_int_eq(port, 8080);
	/* Unset, it is the default. */
	ck_assert_int_eq(config_listen_parse(NULL, addr, sizeof addr, &port),
	    0);
	ck_assert_str_eq(addr, "127.0.0.1");
	config_clear(&cfg);
}
END_TEST

START_TEST(holidays_must_be_real_dates)
{
	assert_error("holidays 2026-02-30\n", 1, "holidays: ");
	assert_error("holidays 2026-1-1\n", 1, "holidays: ");
	assert_error("holidays tomorrow\n", 1, "holidays: ");
}
END_TEST

START_TEST(comments_blank_lines_and_spacing_are_ignored)
{
	struct config	cfg;

	config_defaults(&cfg);
	parse_ok(
	    "   # indented comment\n"
	    "\t\n"
	    "\n"
	    "   answer_min\t 0.65  \r\n"
	    "#answer_min 0.1\n"
	    "data_dir   /a b/c  \n", &cfg);
	ck_assert(cfg.classifier.answer_min == 0.65);
	/* Inner spaces of a path are kept, surrounding ones are not. */
	ck_assert_str_eq(cfg.data_dir, "/a b/c");
	config_clear(&cfg);
}
END_TEST

START_TEST(equals_sign_form_is_accepted)
{
	struct config	cfg;

	config_defaults(&cfg);
	parse_ok("answer_min = 0.66\nmargin_min=0.3\nstate_db = /x.sqlite\n"
	    "decline_min= 0.2\n", &cfg);
	ck_assert(cfg.classifier.answer_min == 0.66);
	ck_assert(cfg.classifier.margin_min == 0.3);
	ck_assert(cfg.classifier.decline_min == 0.2);
	ck_assert_str_eq(cfg.state_db, "/x.sqlite");
	config_clear(&cfg);
}
END_TEST

START_TEST(parse_goes_over_the_values_already_there)
{
	struct config	cfg;

	config_defaults(&cfg);
	parse_ok("data_dir /one\nanswer_min 0.6\n", &cfg);
	parse_ok("margin_min 0.3\ndata_dir /two\n", &cfg);
	ck_assert_str_eq(cfg.data_dir, "/two");
	ck_assert(cfg.classifier.answer_min == 0.6);
	ck_assert(cfg.classifier.margin_min == 0.3);
	/* The last of a repeated key wins. */
	parse_ok("answer_min 0.1\nanswer_min 0.2\n", &cfg);
	ck_assert(cfg.classifier.answer_min == 0.2);
	config_clear(&cfg);
}
END_TEST

START_TEST(empty_file_changes_nothing)
{
	struct config			cfg;
	struct classifier_config	def;

	config_defaults(&cfg);
	parse_ok("", &cfg);
	parse_ok("\n\n# only comments\n", &cfg);
	classifier_config_defaults(&def);
	ck_assert(same_classifier(&cfg.classifier, &def));
	ck_assert_ptr_null(cfg.data_dir);
	config_clear(&cfg);
}
END_TEST

START_TEST(unknown_key_is_an_error_on_its_line)
{
	assert_error("answer_min 0.9\n\nanswer_minimum 0.5\n", 3,
	    "unknown setting \"answer_minimum\"");
	assert_error("# c\nDATA_DIR /x\n", 2, "unknown setting \"DATA_DIR\"");
	assert_error("= 0.5\n", 1, "unknown setting");
}
END_TEST

START_TEST(out_of_range_number_is_an_error_and_changes_nothing)
{
	assert_error("margin_min 0.3\nanswer_min 1.5\n", 2,
	    "answer_min: a number from 0 to 1");
	assert_error("answer_min -0.1\n", 1, "answer_min: a number");
	assert_error("person_min 0\n", 1, "person_min: a number from 1 to 100");
	assert_error("person_min 101\n", 1, "person_min: a number");
	assert_error("temperature 0\n", 1, "temperature: a number");
	assert_error("weight_rule 10.5\n", 1, "weight_rule: a number");
	assert_error("weak_yield 100.01\n", 1,
	    "weak_yield: a number from 0 to 100");
	assert_error("answer_min 1e999\n", 1, "answer_min: a number");
}
END_TEST

START_TEST(non_number_is_an_error_and_changes_nothing)
{
	assert_error("margin_min 0.3\n\nanswer_min high\n", 3,
	    "answer_min: a number");
	assert_error("answer_min\n", 1, "answer_min: a number");
	assert_error("answer_min 0.5x\n", 1, "answer_min: a number");
	assert_error("answer_min 0,5\n", 1, "answer_min: a number");
	assert_error("answer_min nan\n", 1, "answer_min: a number");
	assert_error("answer_min inf\n", 1, "answer_min: a number");
	assert_error("answer_min 0.5 0.6\n", 1, "answer_min: a number");
}
END_TEST

START_TEST(number_with_a_nul_byte_is_an_error)
{
	static const char	 text[] = "answer_min 0.5\0junk\n";
	struct config		 cfg;
	char			*err = NULL;

	config_defaults(&cfg);
	ck_assert_int_eq(config_parse("hotline.conf", text, sizeof(text) - 1,
	    &cfg, &err), -1);
	ck_assert_msg(err != NULL && strncmp(err, "hotline.conf:1: ", 16) == 0,
	    "%s", err != NULL ? err : "(no error)");
	free(err);
	config_clear(&cfg);
}
END_TEST

START_TEST(empty_path_is_an_error)
{
	assert_error("data_dir\n", 1, "data_dir: a path");
	assert_error("state_db =  \n", 1, "state_db: a path");
}
END_TEST

/* Prints cfg and parses the output into a fresh configuration. */
static void
print_and_reparse(const struct config *cfg, struct config *out)
{
	FILE	*fp;
	char	*buf = NULL, *err = NULL;
	size_t	 len = 0;

	fp = open_memstream(&buf, &len);
	ck_assert_ptr_nonnull(fp);
	config_print(cfg, fp);
	ck_assert_int_eq(fclose(fp), 0);
	config_defaults(out);
	if (config_parse("printed", buf, len, out, &err) == -1)
		ck_abort_msg("printed config does not parse: %s\n%s", err, buf);
	free(buf);
}

START_TEST(printed_defaults_read_back_the_same)
{
	struct config	cfg, back;

	config_defaults(&cfg);
	print_and_reparse(&cfg, &back);
	ck_assert(same_classifier(&cfg.classifier, &back.classifier));
	ck_assert_ptr_null(back.data_dir);
	ck_assert_ptr_null(back.state_db);
	ck_assert_ptr_null(back.listen);
	ck_assert_ptr_null(back.holidays);
	ck_assert_int_eq(back.threads, cfg.threads);
	ck_assert_int_eq(back.retention_days, cfg.retention_days);
	config_clear(&back);
	config_clear(&cfg);
}
END_TEST

START_TEST(printed_settings_read_back_the_same)
{
	struct config	cfg, back;

	config_defaults(&cfg);
	parse_ok(every_key, &cfg);
	parse_ok("data_dir /srv/hotline data\n", &cfg);
	print_and_reparse(&cfg, &back);
	ck_assert(same_classifier(&cfg.classifier, &back.classifier));
	ck_assert_str_eq(back.data_dir, "/srv/hotline data");
	ck_assert_str_eq(back.state_db, cfg.state_db);
	ck_assert_str_eq(back.listen, cfg.listen);
	ck_assert_str_eq(back.www_dir, cfg.www_dir);
	ck_assert_str_eq(back.mail_address, cfg.mail_address);
	ck_assert_str_eq(back.holidays, cfg.holidays);
	ck_assert_int_eq(back.retention_days, cfg.retention_days);
	ck_assert_int_eq(back.threads, cfg.threads);
	ck_assert_int_eq(back.max_connections, cfg.max_connections);
	ck_assert_int_eq(back.per_ip_connections, cfg.per_ip_connections);
	ck_assert_int_eq(back.connection_timeout, cfg.connection_timeout);
	ck_assert_int_eq(back.sessions_per_minute, cfg.sessions_per_minute);
	ck_assert_int_eq(back.messages_per_minute, cfg.messages_per_minute);
	ck_assert_int_eq(back.keepalive_seconds, cfg.keepalive_seconds);
	config_clear(&back);
	config_clear(&cfg);
}
END_TEST

START_TEST(passwords_are_never_printed)
{
	struct config	 cfg;
	FILE		*fp;
	char		*buf = NULL;
	size_t		 len = 0;

	config_defaults(&cfg);
	parse_ok("imap_password hunter2\nsmtp_password swordfish\n", &cfg);
	fp = open_memstream(&buf, &len);
	ck_assert_ptr_nonnull(fp);
	config_print(&cfg, fp);
	ck_assert_int_eq(fclose(fp), 0);
	ck_assert_ptr_null(strstr(buf, "hunter2"));
	ck_assert_ptr_null(strstr(buf, "swordfish"));
	ck_assert_ptr_nonnull(strstr(buf, "#imap_password (set, not shown)"));
	free(buf);
	config_clear(&cfg);
}
END_TEST

START_TEST(mail_settings_are_checked)
{
	assert_error("imap_security ssl\n", 1, "imap_security: none");
	assert_error("\nsmtp_security TLS\n", 2, "smtp_security: none");
	assert_error("smtp_url http://mail.example.org\n", 1, "smtp_url: a "
	    "URL");
	assert_error("imap_host mail example\n", 1, "imap_host: 1 to 255");
	assert_error("imap_folder \"Inbox\"\n", 1, "imap_folder: 1 to 255");
	assert_error("imap_password a\tb\n", 1, "imap_password: no control");
	assert_error("imap_poll_seconds 1\n", 1, "imap_poll_seconds: a whole");
	assert_error("auto_replies_per_hour 0\n", 1, "auto_replies_per_hour: "
	    "a whole");
}
END_TEST

START_TEST(printed_values_keep_full_precision)
{
	struct config	cfg, back;

	/* An operator tuning on the eval set may well write 7 digits; the
	 * printed configuration must run the same agent. */
	config_defaults(&cfg);
	parse_ok("answer_min 0.5512345\ntemperature 0.123456789\n"
	    "weight_example 1.0000001\n", &cfg);
	print_and_reparse(&cfg, &back);
	ck_assert_msg(back.classifier.answer_min == cfg.classifier.answer_min,
	    "answer_min %.17g read back as %.17g", cfg.classifier.answer_min,
	    back.classifier.answer_min);
	ck_assert(back.classifier.temperature == cfg.classifier.temperature);
	ck_assert(back.classifier.w_example == cfg.classifier.w_example);
	config_clear(&back);
	config_clear(&cfg);
}
END_TEST

START_TEST(printed_tiny_number_reads_back)
{
	struct config	cfg, back;

	/* Found by tests/fuzz/fuzz_config.c (corpus: regress_subnormal_*): an
	 * accepted value must print as one that is accepted again. */
	config_defaults(&cfg);
	parse_ok("weight_rule 0x1p-1051\n", &cfg);
	ck_assert(cfg.classifier.w_rule > 0);
	print_and_reparse(&cfg, &back);
	ck_assert(back.classifier.w_rule >= 0 &&
	    back.classifier.w_rule < 1e-300);
	config_clear(&back);
	config_clear(&cfg);
}
END_TEST

START_TEST(load_reads_a_file_and_names_it_in_errors)
{
	struct config	 cfg;
	char		 path[] = "/tmp/hotline-config-XXXXXX", *err = NULL;
	FILE		*fp;
	int		 fd;

	fd = mkstemp(path);
	ck_assert_int_ge(fd, 0);
	fp = fdopen(fd, "w");
	ck_assert_ptr_nonnull(fp);
	fputs("answer_min 0.65\nbogus 1\n", fp);
	ck_assert_int_eq(fclose(fp), 0);
	config_defaults(&cfg);
	ck_assert_int_eq(config_load(path, &cfg, &err), -1);
	ck_assert_ptr_nonnull(err);
	ck_assert_msg(strncmp(err, path, strlen(path)) == 0 &&
	    strstr(err, ":2: unknown setting") != NULL, "%s", err);
	free(err);
	ck_assert(cfg.classifier.answer_min != 0.65);
	fp = fopen(path, "w");
	ck_assert_ptr_nonnull(fp);
	fputs("answer_min 0.65\n", fp);
	ck_assert_int_eq(fclose(fp), 0);
	ck_assert_int_eq(config_load(path, &cfg, &err), 0);
	ck_assert(cfg.classifier.answer_min == 0.65);
	remove(path);
	err = NULL;
	ck_assert_int_eq(config_load(path, &cfg, &err), -1);
	ck_assert_ptr_nonnull(err);
	free(err);
	config_clear(&cfg);
}
END_TEST

Suite *
config_suite(void)
{
	Suite	*s = suite_create("config");
	TCase	*tc;

	tc = tcase_create("parse");
	tcase_add_test(tc, defaults_are_the_classifier_defaults_and_no_paths);
	tcase_add_test(tc, file_setting_every_key_sets_every_value);
	tcase_add_test(tc, whole_number_settings_refuse_fractions_and_range);
	tcase_add_test(tc, listen_needs_a_numeric_address_and_a_port);
	tcase_add_test(tc, holidays_must_be_real_dates);
	tcase_add_test(tc, comments_blank_lines_and_spacing_are_ignored);
	tcase_add_test(tc, equals_sign_form_is_accepted);
	tcase_add_test(tc, parse_goes_over_the_values_already_there);
	tcase_add_test(tc, empty_file_changes_nothing);
	tcase_add_test(tc, load_reads_a_file_and_names_it_in_errors);
	suite_add_tcase(s, tc);

	tc = tcase_create("errors");
	tcase_add_test(tc, unknown_key_is_an_error_on_its_line);
	tcase_add_test(tc, out_of_range_number_is_an_error_and_changes_nothing);
	tcase_add_test(tc, non_number_is_an_error_and_changes_nothing);
	tcase_add_test(tc, number_with_a_nul_byte_is_an_error);
	tcase_add_test(tc, empty_path_is_an_error);
	suite_add_tcase(s, tc);

	tc = tcase_create("print");
	tcase_add_test(tc, printed_defaults_read_back_the_same);
	tcase_add_test(tc, printed_settings_read_back_the_same);
	tcase_add_test(tc, printed_values_keep_full_precision);
	tcase_add_test(tc, passwords_are_never_printed);
	tcase_add_test(tc, mail_settings_are_checked);
	tcase_add_test(tc, printed_tiny_number_reads_back);
	suite_add_tcase(s, tc);
	return s;
}
