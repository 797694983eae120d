/*
 * Tests of agent/core/attach.c with a real state database and a real
 * attachments directory: a scan is taken by its first bytes, whatever its
 * name says, and lands on disk under its checksum with a request number
 * for the conversation; a file before the citizen has written, a program
 * dressed as a PDF, a file over the conversation's quota or one too many
 * is refused and leaves nothing behind; the same content sent twice is
 * kept once; a file name loses its path and its bidi tricks; the files a
 * killed upload left are swept at the next start.
 */
#include <check.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sodium.h>

#include "agent/core/attach.h"
#include "agent/core/limits.h"
#include "agent/core/state.h"
#include "agent/core/stmt.h"
#include "lib/sqldb.h"
#include "tests/agent/fixture.h"

Suite	*attach_suite(void);

/* A quota a test can fill with small files. */
#define QUOTA	1000

static struct fixture	 fx;
static sqlite3		*db;
static struct conv_env	 env;
static int64_t		 conv;

static const unsigned char png[] = "\x89PNG\r\n\x1a\n" "a scan of a passport";
static const unsigned char pdf[] = "%PDF-1.4 a certificate";
static const unsigned char jpeg[] = "\xff\xd8\xff\xe0 a photo";
static const unsigned char exe[] = "MZ\x90\0 a program";

static void
setup(void)
{
	fixture_open(&fx, "attach", 0);
	db = fx.db;
	memset(&env, 0, sizeof(env));
	env.db = db;
	env.now = 1800000000;
	conv = fixture_conv(db, "chat", "ru", env.now, NULL);
}

static void
teardown(void)
{
	fixture_close(&fx);
}

/* The citizen types a question, as the chat requires before a file. */
static void
citizen_writes(void)
{
	char	*err = NULL;

	ck_assert_msg(conv_add(db, conv, "citizen", "вот мой паспорт", NULL,
	    NULL, NULL, NULL, 0, env.now, &err) > 0, "%s", err);
}

/* Entries of the attachments directory, "." and ".." aside. */
static int
files_on_disk(void)
{
	DIR		*d;
	struct dirent	*e;
	int		 n = 0;

	if ((d = opendir(fx.files)) == NULL)
		return 0;
	while ((e = readdir(d)) != NULL)
		if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0)
			n++;
	closedir(d);
	return n;
}

static int64_t
count(const char *sql)
{
	return fixture_int(db, sql, conv);
}

/* Stores data[0..len) as name; returns what attach_store returned, with
 * the refusal in *err_r. */
static int
store(const char *name, const unsigned char *data, size_t len,
    int64_t quota, enum core_err *err_r)
{
	struct conv_result	 res;
	char			*err = NULL;
	int			 rc;

	rc = attach_store(&env, fx.files, conv, name, data, len, quota, &res,
	    &err);
	*err_r = rc == 0 ? CORE_OK : res.err;
	if (rc == 0) {
		ck_assert_int_eq(json_array_size(res.messages), 1);
		json_decref(res.messages);
	} else
		ck_assert_ptr_nonnull(err);
	free(err);
	return rc;
}

START_TEST(test_type_by_magic)
{
	ck_assert_str_eq(attach_type(png, sizeof(png) - 1), "image/png");
	ck_assert_str_eq(attach_type(pdf, sizeof(pdf) - 1),
	    "application/pdf");
	ck_assert_str_eq(attach_type(jpeg, sizeof(jpeg) - 1), "image/jpeg");
	ck_assert_ptr_null(attach_type(exe, sizeof(exe) - 1));
	/* Half a PNG signature is not a PNG. */
	ck_assert_ptr_null(attach_type(png, 4));
}
END_TEST

START_TEST(test_stored_under_checksum)
{
	struct conv_info	 ci;
	enum core_err		 e;
	unsigned char		 sum[crypto_hash_sha256_BYTES];
	char			 hex[ATTACH_HEX_SIZE], path[256], buf[64];
	char			*err = NULL;
	FILE			*f;
	size_t			 n;

	citizen_writes();
	ck_assert_int_eq(store("scan.png", png, sizeof(png) - 1, QUOTA, &e),
	    0);
	/* The file is on disk under its SHA-256, byte for byte. */
	crypto_hash_sha256(sum, png, sizeof(png) - 1);
	sodium_bin2hex(hex, sizeof(hex), sum, sizeof(sum));
	snprintf(path, sizeof(path), "%s/%s", fx.files, hex);
	ck_assert_ptr_nonnull(f = fopen(path, "rb"));
	n = fread(buf, 1, sizeof(buf), f);
	fclose(f);
	ck_assert_uint_eq(n, sizeof(png) - 1);
	ck_assert_mem_eq(buf, png, n);
	ck_assert_int_eq(files_on_disk(), 1);
	/* The conversation has a number now, and the file is its. */
	ck_assert_int_eq(conv_info(db, conv, &ci, &err), 1);
	ck_assert_str_ne(ci.number, "");
	ck_assert_int_eq(count("SELECT count(*) FROM attachment WHERE conv = "
	    "?1 AND type = 'image/png' AND number IS NOT NULL"), 1);
	ck_assert_int_eq(count("SELECT count(*) FROM message WHERE conv = ?1 "
	    "AND attachment IS NOT NULL AND sender = 'citizen'"), 1);
}
END_TEST

START_TEST(test_refused_before_question)
{
	enum core_err	 e;
	char		*err = NULL;

	ck_assert_int_eq(store("scan.png", png, sizeof(png) - 1, QUOTA, &e),
	    -1);
	ck_assert_int_eq(e, CORE_CONFLICT);
	ck_assert_int_eq(attach_may_upload(db, conv, 10, QUOTA, &e, &err),
	    -1);
	ck_assert_int_eq(e, CORE_CONFLICT);
	free(err);
	ck_assert_int_eq(files_on_disk(), 0);
	ck_assert_int_eq(count("SELECT count(*) FROM attachment WHERE conv = "
	    "?1"), 0);
}
END_TEST

START_TEST(test_program_refused)
{
	enum core_err	e;

	citizen_writes();
	/* Named and "declared" a PDF, it is a Windows program. */
	ck_assert_int_eq(store("справка.pdf", exe, sizeof(exe) - 1, QUOTA,
	    &e), -1);
	ck_assert_int_eq(e, CORE_UNSUPPORTED);
	ck_assert_int_eq(files_on_disk(), 0);
	ck_assert_int_eq(count("SELECT count(*) FROM attachment WHERE conv = "
	    "?1"), 0);
}
END_TEST

START_TEST(test_over_quota_refused)
{
	unsigned char	 big[QUOTA + 1];
	enum core_err	 e;
	char		*err = NULL;

	citizen_writes();
	memset(big, 'x', sizeof(big));
	memcpy(big, pdf, sizeof(pdf) - 1);
	/* Told before the body is read, from the declared length... */
	ck_assert_int_eq(attach_may_upload(db, conv, sizeof(big), QUOTA, &e,
	    &err), -1);
	ck_assert_int_eq(e, CORE_TOO_LARGE);
	free(err);
	err = NULL;
	/* ...and refused when sent anyway. */
	ck_assert_int_eq(store("big.pdf", big, sizeof(big), QUOTA, &e), -1);
	ck_assert_int_eq(e, CORE_TOO_LARGE);
	ck_assert_int_eq(files_on_disk(), 0);
	/* A file that fits, then one that would pass the quota with it. */
	ck_assert_int_eq(store("a.pdf", big, QUOTA - 10, QUOTA, &e), 0);
	ck_assert_int_eq(attach_may_upload(db, conv, 10, QUOTA, &e, &err), 0);
	ck_assert_int_eq(attach_may_upload(db, conv, 11, QUOTA, &e, &err),
	    -1);
	ck_assert_int_eq(e, CORE_TOO_LARGE);
	free(err);
	ck_assert_int_eq(store("b.png", png, sizeof(png) - 1, QUOTA, &e),
	    -1);
	ck_assert_int_eq(e, CORE_TOO_LARGE);
	ck_assert_int_eq(files_on_disk(), 1);
	ck_assert_int_eq(count("SELECT count(*) FROM attachment WHERE conv = "
	    "?1"), 1);
	/* An empty file is not a document. */
	ck_assert_int_eq(attach_may_upload(db, conv, 0, QUOTA, &e, &err), -1);
	ck_assert_int_eq(e, CORE_INVALID);
	free(err);
}
END_TEST

START_TEST(test_too_many_refused)
{
	unsigned char	 data[32];
	enum core_err	 e;
	int		 i;

	citizen_writes();
	for (i = 0; i < LIMIT_UPLOADS_PER_CONV; i++) {
		/* Each a different PDF. */
		snprintf((char *)data, sizeof(data), "%%PDF-1.4 page %d", i);
		ck_assert_int_eq(store("p.pdf", data, strlen((char *)data),
		    QUOTA * 100, &e), 0);
	}
	ck_assert_int_eq(store("one-more.png", png, sizeof(png) - 1,
	    QUOTA * 100, &e), -1);
	ck_assert_int_eq(e, CORE_TOO_MANY);
	ck_assert_int_eq(files_on_disk(), LIMIT_UPLOADS_PER_CONV);
}
END_TEST

START_TEST(test_same_content_once)
{
	enum core_err	e;

	citizen_writes();
	ck_assert_int_eq(store("first.png", png, sizeof(png) - 1, QUOTA, &e),
	    0);
	ck_assert_int_eq(store("again.png", png, sizeof(png) - 1, QUOTA, &e),
	    0);
	ck_assert_int_eq(files_on_disk(), 1);
	ck_assert_int_eq(count("SELECT count(DISTINCT sha256) * 10 + count(*) "
	    "FROM attachment WHERE conv = ?1"), 12);
}
END_TEST

START_TEST(test_name_cleaned)
{
	sqlite3_stmt	*st;
	enum core_err	 e;

	citizen_writes();
	/* A path, and a right-to-left override making "gnp.exe" read as
	 * "exe.png". */
	ck_assert_int_eq(store("../../etc/\xe2\x80\xaeгнп.exe", png,
	    sizeof(png) - 1, QUOTA, &e), 0);
	ck_assert_int_eq(store("C:\\Users\\ivan\\скан.png", pdf,
	    sizeof(pdf) - 1, QUOTA, &e), 0);
	ck_assert_int_eq(store("\x01\x02", jpeg, sizeof(jpeg) - 1, QUOTA, &e),
	    0);
	ck_assert_int_eq(sqlite3_prepare_v2(db, "SELECT name FROM attachment "
	    "ORDER BY id", -1, &st, NULL), SQLITE_OK);
	ck_assert_int_eq(sqlite3_step(st), SQLITE_ROW);
	ck_assert_str_eq((const char *)sqlite3_column_text(st, 0),
	    "гнп.exe");
	ck_assert_int_eq(sqlite3_step(st), SQLITE_ROW);
	ck_assert_str_eq((const char *)sqlite3_column_text(st, 0),
	    "скан.png");
	ck_assert_int_eq(sqlite3_step(st), SQLITE_ROW);
	ck_assert_str_eq((const char *)sqlite3_column_text(st, 0),
	    "attachment");
	sqlite3_finalize(st);
}
END_TEST

START_TEST(test_sweep_leftovers)
{
	struct attach_upload	*up;
	enum core_err		 e;
	char			*err = NULL;

	citizen_writes();
	ck_assert_int_eq(store("kept.png", png, sizeof(png) - 1, QUOTA, &e),
	    0);
	/* An upload the process was receiving when it was killed. */
	ck_assert_ptr_nonnull(up = attach_upload_new(fx.files, &err));
	ck_assert_int_eq(attach_upload_write(up, pdf, sizeof(pdf) - 1, &err),
	    0);
	ck_assert_int_eq(files_on_disk(), 2);
	attach_sweep(fx.files);
	ck_assert_int_eq(files_on_disk(), 1);
	attach_upload_free(&up);
	ck_assert_int_eq(files_on_disk(), 1);
}
END_TEST

Suite *
attach_suite(void)
{
	Suite	*s = suite_create("attach");
	TCase	*tc = tcase_create("core");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_type_by_magic);
	tcase_add_test(tc, test_stored_under_checksum);
	tcase_add_test(tc, test_refused_before_question);
	tcase_add_test(tc, test_program_refused);
	tcase_add_test(tc, test_over_quota_refused);
	tcase_add_test(tc, test_too_many_refused);
	tcase_add_test(tc, test_same_content_once);
	tcase_add_test(tc, test_name_cleaned);
	tcase_add_test(tc, test_sweep_leftovers);
	suite_add_tcase(s, tc);
	return s;
}
