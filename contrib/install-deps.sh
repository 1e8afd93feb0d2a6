#!/bin/bash
# Install every Debian 12 package that building, testing and the demo of mailtwin need.
# Idempotent: packages already present are left alone, and apt-get runs only when something is missing.
set -euo pipefail

PACKAGES=(
  # toolchain
  g++ clang clang-format cmake ninja-build pkg-config git
  # libraries (headers and link libraries)
  libboost-dev libboost-program-options-dev libssl-dev liblmdb-dev libtomlplusplus-dev
  zlib1g-dev libfmt-dev libsystemd-dev
  # tests and benchmarks; eatmydata: the integration tests run without fsync (tests/CMakeLists.txt)
  libgtest-dev libgmock-dev libbenchmark-dev libclang-rt-14-dev eatmydata
  # the real server the integration tests and the demo start, and what its fixture uses
  dovecot-imapd openssl python3 procps
  # the second server of the integration tests (tests/fixtures/cyrus-up.sh): cyrus-imapd itself
  # conflicts with dovecot-imapd, so its imapd is unpacked privately by tests/fixtures/cyrus-extract.sh
  cyrus-common cyrus-admin sasl2-bin
  # the third server (tests/fixtures/courier-up.sh): courier-imap conflicts with dovecot-imapd too, so
  # its imapd and imaplogin are unpacked privately by tests/fixtures/courier-extract.sh; these do not
  # conflict (couriertcpd and couriertls, authdaemond, the userdb module)
  courier-base courier-authdaemon courier-authlib-userdb
  # the fourth (tests/fixtures/mailutils-up.sh): mailutils-imap4d conflicts with dovecot-imapd too, so
  # its imap4d is unpacked privately by tests/fixtures/mailutils-extract.sh; these are its libraries
  # (none of them removes dovecot-imapd), and util-linux's unshare gives it a private /etc/passwd
  libmailutils9 mailutils-common libgsasl18 libwrap0 util-linux
  # the synchronizers users migrate from: the migration tests fill a Maildir with each
  isync offlineimap3
  # a mail reader that drops keyword letters when it renames (mu4e's `mu server`): reader tests
  maildir-utils
  # the mail indexer whose tags notmuch_tags syncs with keywords, run by the engine and its tests
  notmuch
  # the real cron daemon the shipped crontab line is run under (tests/fixtures/cron-private.sh)
  cron
  # the terminal the progress display is checked in (tmux capture-pane)
  tmux
  # checks of contrib/: unit files (systemd-analyze verify), the man page (man -l), completions
  systemd man-db groff-base bash-completion zsh
)

SUDO=""
if [ "$(id -u)" != 0 ]; then
  if command -v sudo >/dev/null 2>&1; then
    SUDO="sudo"
  else
    echo "install-deps.sh: must run as root, or with sudo available, to install Debian packages." >&2
    echo "  Run it as root (su -c 'bash contrib/install-deps.sh') or install sudo first." >&2
    exit 1
  fi
fi

missing=()
for p in "${PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps.sh: all ${#PACKAGES[@]} packages already installed"
  exit 0
fi

echo "install-deps.sh: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"

# Debian's dovecot-core starts a system-wide dovecot on install; mailtwin's tests and demo start their
# own private instances on other ports and never need it.
if command -v systemctl >/dev/null 2>&1 && systemctl is-active --quiet dovecot 2>/dev/null; then
  $SUDO systemctl stop dovecot || true
fi
# Likewise cyrus-common enables a system-wide Cyrus (and sasl2-bin a saslauthd); the tests never use them.
# courier-authdaemon does the same with a system-wide authdaemond (the fixture runs its own).
for svc in cyrus-imapd saslauthd courier-authdaemon; do
  if command -v systemctl >/dev/null 2>&1 && systemctl is-enabled --quiet "$svc" 2>/dev/null; then
    $SUDO systemctl disable --now "$svc" || true
  fi
done
echo "install-deps.sh: done"
