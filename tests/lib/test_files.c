/*
 * Listing and reading editors' files: the list is sorted by path, filtered
 * by suffix, skips hidden files and directories, goes two directory levels
 * deep and no further, and fails on a missing directory; a read is
 * NUL-terminated, keeps embedded NULs, and refuses a file over its cap.
 */
#include <check.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/files.h"

Suite	*files_suite(void);

static char	tmpdir[64];

static int
rm_one(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)sb;
	(void)flag;
	(void)ftw;
	remove(path);
	return 0;
}

static void
tmpdir_setup(void)
{
	snprintf(tmpdir, sizeof tmpdir, "/tmp/hotline-files-XXXXXX");
	if (mkdtemp(tmpdir) == NULL) {
		perror("mkdtemp");
		abort();
	}
}

static void
tmpdir_teardown(void)
{
	nftw(tmpdir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

/* The path tmpdir/rel in buf. */
static const char *
path_of(const char *rel, char *buf, size_t bufsz)
{
	int	n;

	n = snprintf(buf, bufsz, "%s/%s", tmpdir, rel);
	ck_assert(n > 0 && (size_t)n < bufsz);
	return buf;
}

static void
make_dir(const char *rel)
{
	char	path[256];

	ck_assert_int_eq(mkdir(path_of(rel, path, sizeof path), 0700), 0);
}

static void
write_file(const char *rel, const char *data, size_t len)
{
	char	 path[256];
	FILE	*fp;

	fp = fopen(path_of(rel, path, sizeof path), "wb");
	ck_assert_ptr_nonnull(fp);
	ck_assert_uint_eq(fwrite(data, 1, len, fp), len);
	ck_assert_int_eq(fclose(fp), 0);
}

static void
touch(const char *rel)
{
	write_file(rel, "x\n", 2);
}

/* Lists tmpdir by suffix; returns the paths relative to tmpdir, joined by
 * spaces, in buf. */
static void
list_rel(const char *suffix, char *buf, size_t bufsz)
{
	char	**paths, *err = NULL;
	size_t	  n, i, o = 0, pre = strlen(tmpdir) + 1;
	int	  k;

	if (files_list(tmpdir, suffix, &paths, &n, &err) == -1)
		ck_abort_msg("files_list: %s", err);
	buf[0] = '\0';
	for (i = 0; i < n; i++) {
		ck_assert(strncmp(paths[i], tmpdir, pre - 1) == 0);
		ck_assert_int_eq(paths[i][pre - 1], '/');
		k = snprintf(buf + o, bufsz - o, "%s%s", i > 0 ? " " : "",
		    paths[i] + pre);
		ck_assert(k >= 0 && (size_t)k < bufsz - o);
		o += (size_t)k;
	}
	files_list_free(paths, n);
}

START_TEST(list_is_sorted_by_path)
{
	char	got[512];

	touch("c.md");
	touch("a.md");
	touch("b.md");
	make_dir("z");
	touch("z/a.md");
	make_dir("m");
	touch("m/b.md");
	list_rel(".md", got, sizeof got);
	ck_assert_str_eq(got, "a.md b.md c.md m/b.md z/a.md");
}
END_TEST

START_TEST(list_keeps_only_the_suffix)
{
	char	got[512];

	touch("a.md");
	touch("b.txt");
	touch("c.md.bak");
	touch("md");
	touch("d.intent");
	list_rel(".md", got, sizeof got);
	ck_assert_str_eq(got, "a.md");
	list_rel(".intent", got, sizeof got);
	ck_assert_str_eq(got, "d.intent");
	/* An empty suffix lists every file. */
	list_rel("", got, sizeof got);
	ck_assert_str_eq(got, "a.md b.txt c.md.bak d.intent md");
}
END_TEST

START_TEST(list_skips_hidden_files_and_directories)
{
	char	got[512];

	touch("a.md");
	touch(".hidden.md");
	touch(".#a.md");
	make_dir(".git");
	touch(".git/b.md");
	list_rel(".md", got, sizeof got);
	ck_assert_str_eq(got, "a.md");
}
END_TEST

START_TEST(list_goes_two_directory_levels_deep)
{
	char	got[512];

	touch("0.md");
	make_dir("one");
	touch("one/1.md");
	make_dir("one/two");
	touch("one/two/2.md");
	make_dir("one/two/three");
	touch("one/two/three/3.md");
	list_rel(".md", got, sizeof got);
	ck_assert_str_eq(got, "0.md one/1.md one/two/2.md");
}
END_TEST

START_TEST(list_of_an_empty_directory_is_empty)
{
	char	**paths = NULL, *err = NULL;
	size_t	  n = 99;

	ck_assert_int_eq(files_list(tmpdir, ".md", &paths, &n, &err), 0);
	ck_assert_uint_eq(n, 0);
	files_list_free(paths, n);
}
END_TEST

START_TEST(list_of_a_missing_directory_is_an_error)
{
	char	**paths = NULL, *err = NULL, path[256];
	size_t	  n = 0;

	path_of("nonexistent", path, sizeof path);
	ck_assert_int_eq(files_list(path, ".md", &paths, &n, &err), -1);
	ck_assert_ptr_nonnull(err);
	ck_assert_msg(strstr(err, path) != NULL, "error \"%s\" lacks the path",
	    err);
	free(err);
}
END_TEST

START_TEST(read_returns_the_bytes_nul_terminated)
{
	static const char	 data[] = "строка 1\nline\0two\n";
	char			*buf = NULL, *err = NULL, path[256];
	size_t			 len = 0;

	write_file("f.md", data, sizeof(data) - 1);
	path_of("f.md", path, sizeof path);
	ck_assert_int_eq(files_read(path, 1024, &buf, &len, &err), 0);
	ck_assert_uint_eq(len, sizeof(data) - 1);
	ck_assert(memcmp(buf, data, len) == 0);
	ck_assert_int_eq(buf[len], '\0');
	free(buf);
}
END_TEST

START_TEST(read_of_an_empty_file_gives_an_empty_string)
{
	char	*buf = NULL, *err = NULL, path[256];
	size_t	 len = 99;

	write_file("e.md", "", 0);
	path_of("e.md", path, sizeof path);
	ck_assert_int_eq(files_read(path, 10, &buf, &len, &err), 0);
	ck_assert_uint_eq(len, 0);
	ck_assert_str_eq(buf, "");
	free(buf);
}
END_TEST

START_TEST(read_accepts_exactly_the_cap_and_refuses_one_byte_more)
{
	char	*buf = NULL, *err = NULL, path[256];
	size_t	 len = 0;

	write_file("ten.md", "0123456789", 10);
	write_file("eleven.md", "0123456789A", 11);
	path_of("ten.md", path, sizeof path);
	ck_assert_int_eq(files_read(path, 10, &buf, &len, &err), 0);
	ck_assert_uint_eq(len, 10);
	ck_assert_str_eq(buf, "0123456789");
	free(buf);
	buf = NULL;
	path_of("eleven.md", path, sizeof path);
	ck_assert_int_eq(files_read(path, 10, &buf, &len, &err), -1);
	ck_assert_ptr_null(buf);
	ck_assert_ptr_nonnull(err);
	ck_assert_msg(strstr(err, path) != NULL &&
	    strstr(err, "larger than 10 bytes") != NULL, "error: %s", err);
	free(err);
}
END_TEST

START_TEST(read_of_a_missing_file_is_an_error_naming_it)
{
	char	*buf = NULL, *err = NULL, path[256];
	size_t	 len = 0;

	path_of("missing.md", path, sizeof path);
	ck_assert_int_eq(files_read(path, 10, &buf, &len, &err), -1);
	ck_assert_ptr_nonnull(err);
	ck_assert_msg(strstr(err, path) != NULL, "error: %s", err);
	free(err);
}
END_TEST

Suite *
files_suite(void)
{
	Suite	*s = suite_create("files");
	TCase	*tc;

	tc = tcase_create("list");
	tcase_add_checked_fixture(tc, tmpdir_setup, tmpdir_teardown);
	tcase_add_test(tc, list_is_sorted_by_path);
	tcase_add_test(tc, list_keeps_only_the_suffix);
	tcase_add_test(tc, list_skips_hidden_files_and_directories);
	tcase_add_test(tc, list_goes_two_directory_levels_deep);
	tcase_add_test(tc, list_of_an_empty_directory_is_empty);
	tcase_add_test(tc, list_of_a_missing_directory_is_an_error);
	suite_add_tcase(s, tc);

	tc = tcase_create("read");
	tcase_add_checked_fixture(tc, tmpdir_setup, tmpdir_teardown);
	tcase_add_test(tc, read_returns_the_bytes_nul_terminated);
	tcase_add_test(tc, read_of_an_empty_file_gives_an_empty_string);
	tcase_add_test(tc,
	    read_accepts_exactly_the_cap_and_refuses_one_byte_more);
	tcase_add_test(tc, read_of_a_missing_file_is_an_error_naming_it);
	suite_add_tcase(s, tc);
	return s;
}
