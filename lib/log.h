/*
 * Logging to standard error with personal data masked: every formatted
 * line goes through pii_mask() (ИНН, СНИЛС, passports, phones, e-mail
 * addresses, control bytes) before it is written.
 */
#ifndef LIB_LOG_H
#define LIB_LOG_H

enum log_level {
	LOG_ERROR,
	LOG_WARN,
	LOG_INFO,
	LOG_DEBUG
};

/* Sets the most verbose level written; from $HOTLINE_LOG when unset
 * ("error", "warn", "info", "debug"); the default is warn. */
void	log_init(void);
void	log_set_level(enum log_level);

/* Writes one masked line "hotline: LEVEL: message" when level is on. */
void	log_msg(enum log_level, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));

#endif
