# Real mail servers for the mail channel's end-to-end test and benchmark,
# started in $tmp on random loopback ports and stopped by mail_servers_stop:
# dovecot (IMAP; user "hotline", password "secret", Maildir in $tmp) and
# msmtpd (SMTP) writing each message it accepts to a file of its own in
# $sink, with the envelope recipients on a first "X-Rcpt:" line.  Needs
# $tmp; sets $imap_port, $smtp_port, $sink, $maildir and $dv_conf.

mail_tools() {
	for t in dovecot doveadm msmtpd curl; do
		command -v "$t" >/dev/null 2>&1 || [ -x "/usr/sbin/$t" ] ||
			return 1
	done
	return 0
}

# A random port in 20000..59999.
rand_port() {
	echo $(( 20000 + $(od -An -N2 -tu2 /dev/urandom) % 40000 ))
}

dovecot_start() {
	dv=$tmp/dovecot
	mkdir -p "$dv/run" "$dv/state" "$dv/home"
	# dovecot's unprivileged processes must reach the configuration.
	chmod 755 "$tmp" "$dv"
	if [ "$(id -u)" = 0 ]; then
		# Root may not own mail or run the login processes.
		dv_user=nobody
		chown nobody "$dv/home"
	else
		dv_user=$(id -un)
	fi
	dv_uid=$(id -u "$dv_user")
	dv_gid=$(id -g "$dv_user")
	printf 'hotline:{PLAIN}secret\n' >"$dv/passwd"
	chmod 644 "$dv/passwd"
	# TLS with a CA of our own, when openssl is there: $dv/ca.pem.
	ssl="ssl = no"
	imaps_port=0
	if command -v openssl >/dev/null 2>&1 && tls_certs "$dv"; then
		ssl="ssl = yes
ssl_cert = <$dv/srv.pem
ssl_key = <$dv/srv.key"
	fi
	tries=0
	while :; do
		imap_port=$(rand_port)
		[ "$ssl" != "ssl = no" ] && imaps_port=$(rand_port)
		dv_conf=$dv/dovecot.conf
		cat >"$dv_conf" <<EOF
base_dir = $dv/run
state_dir = $dv/state
log_path = $dv/dovecot.log
protocols = imap
listen = 127.0.0.1
$ssl
disable_plaintext_auth = no
auth_mechanisms = plain login
default_internal_user = $dv_user
default_internal_group = $(id -gn "$dv_user")
default_login_user = $dv_user
first_valid_uid = 1
mail_location = maildir:$dv/home/%u/Maildir
mail_max_userip_connections = 100
passdb {
  driver = passwd-file
  args = scheme=PLAIN username_format=%u $dv/passwd
}
userdb {
  driver = static
  args = uid=$dv_uid gid=$dv_gid home=$dv/home/%u
}
# No chroot: an unprivileged user may not.
service anvil {
  chroot =
}
service imap-login {
  chroot =
  inet_listener imap {
    address = 127.0.0.1
    port = $imap_port
  }
  inet_listener imaps {
    address = 127.0.0.1
    port = $imaps_port
  }
}
EOF
		/usr/sbin/dovecot -c "$dv_conf" 2>>"$dv/start.err" && {
			i=0
			while [ $i -lt 50 ]; do
				curl -s -m 2 -u hotline:secret \
				    "imap://127.0.0.1:$imap_port/" -X NOOP \
				    >/dev/null 2>&1 && break
				sleep 0.1
				i=$((i + 1))
			done
			[ $i -lt 50 ] && break
			dovecot_stop
		}
		tries=$((tries + 1))
		[ $tries -ge 5 ] && { echo "dovecot did not start"; \
		    cat "$dv/start.err" "$dv/dovecot.log" 2>/dev/null; return 1; }
	done
	maildir=$dv/home/hotline/Maildir
	return 0
}

# tls_certs DIR: a CA (DIR/ca.pem) and a server certificate for
# localhost and 127.0.0.1 signed by it (DIR/srv.pem, DIR/srv.key).
tls_certs() {
	(
	cd "$1" || exit 1
	openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
	    -keyout ca.key -out ca.pem -days 2 -subj /CN=hotline-test-ca &&
	openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
	    -keyout srv.key -out srv.csr -subj /CN=localhost &&
	printf 'subjectAltName=DNS:localhost,IP:127.0.0.1\nextendedKeyUsage=serverAuth\n' \
	    >srv.ext &&
	openssl x509 -req -in srv.csr -CA ca.pem -CAkey ca.key \
	    -CAcreateserial -out srv.pem -days 2 -extfile srv.ext
	) >/dev/null 2>&1
}

# dovecot_restart: the same server again, on the same ports.
dovecot_restart() {
	/usr/sbin/dovecot -c "$dv_conf" 2>>"$dv/start.err"
	i=0
	while [ $i -lt 50 ]; do
		curl -s -m 2 -u hotline:secret "imap://127.0.0.1:$imap_port/" \
		    -X NOOP >/dev/null 2>&1 && return 0
		sleep 0.1
		i=$((i + 1))
	done
	return 1
}

dovecot_stop() {
	[ -n "$dv_conf" ] && [ -f "$dv/run/master.pid" ] &&
		kill "$(cat "$dv/run/master.pid")" 2>/dev/null
	i=0
	while [ -f "$dv/run/master.pid" ] && [ $i -lt 50 ]; do
		sleep 0.1
		i=$((i + 1))
	done
}

smtp_start() {
	sink=$tmp/sink
	mkdir -p "$sink"
	# msmtpd pipes each message here, the recipients as arguments.  Shell
	# built-ins only: a process per message is what msmtpd costs.  The
	# count makes names unique when process ids wrap.
	cat >"$tmp/sink.sh" <<EOF
#!/bin/sh
f="$sink/m.\$\$"
while [ -e "\$f" ]; do f="\$f.x"; done
{ printf 'X-Rcpt: %s\r\n' "\$*"
while IFS= read -r l; do printf '%s\n' "\$l"; done; } >"\$f"
EOF
	chmod 755 "$tmp/sink.sh"
	tries=0
	while :; do
		smtp_port=$(rand_port)
		msmtpd --interface=127.0.0.1 --port="$smtp_port" \
		    --command="$tmp/sink.sh" >/dev/null 2>>"$tmp/msmtpd.err" &
		smtp_pid=$!
		i=0
		while [ $i -lt 30 ]; do
			kill -0 "$smtp_pid" 2>/dev/null || break
			# msmtpd knows no NOOP: wait for its greeting.
			curl -s -m 1 "telnet://127.0.0.1:$smtp_port" \
			    </dev/null 2>/dev/null | grep -q '^220' && break 2
			sleep 0.1
			i=$((i + 1))
		done
		kill "$smtp_pid" 2>/dev/null
		tries=$((tries + 1))
		[ $tries -ge 5 ] && { echo "msmtpd did not start"; \
		    cat "$tmp/msmtpd.err"; return 1; }
	done
	return 0
}

smtp_stop() {
	[ -n "$smtp_pid" ] && kill "$smtp_pid" 2>/dev/null &&
		wait "$smtp_pid" 2>/dev/null
	smtp_pid=
}

mail_servers_start() {
	dovecot_start && smtp_start
}

mail_servers_stop() {
	smtp_stop
	dovecot_stop
}

# append FILE...: IMAP APPEND of each letter to INBOX.
append() {
	for f in "$@"; do
		curl -s -S -u hotline:secret -T "$f" \
		    "imap://127.0.0.1:$imap_port/INBOX" || return 1
	done
}

# deliver FILE...: the letters into the Maildir, as a local MDA does.
deliver() {
	mkdir -p "$maildir/new" "$maildir/tmp" "$maildir/cur"
	for f in "$@"; do
		_u=$(od -An -N8 -tx8 /dev/urandom | tr -d ' ')
		cp "$f" "$maildir/tmp/$_u" && mv "$maildir/tmp/$_u" \
		    "$maildir/new/$(date +%s).$_u.hotline"
	done
	[ "$(id -u)" = 0 ] && chown -R "$dv_user" "$dv/home"
	return 0
}

# deliver_all DIR: every letter in DIR into the Maildir at once (moved).
deliver_all() {
	mkdir -p "$maildir/new" "$maildir/tmp" "$maildir/cur"
	[ "$(id -u)" = 0 ] && chown -R "$dv_user" "$1" "$dv/home"
	find "$1" -maxdepth 1 -type f -name '*.eml' -exec mv -t "$maildir/new" {} +
}

# imap_cmd COMMAND: a raw IMAP command on INBOX; its untagged answer.
imap_cmd() {
	curl -s -u hotline:secret "imap://127.0.0.1:$imap_port/INBOX" -X "$1"
}

# The hotline configuration for these servers, into FILE.
mail_config() {
	cat >"$1" <<EOF
imap_host 127.0.0.1
imap_port $imap_port
imap_security none
imap_user hotline
imap_password_file $tmp/imap.secret
imap_poll_seconds 30
smtp_url smtp://127.0.0.1:$smtp_port
EOF
	printf 'secret\n' >"$tmp/imap.secret"
	chmod 600 "$tmp/imap.secret"
}
