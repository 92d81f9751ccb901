# Build and install revq as a systemd service (see README.md, "Operating revq as a service").
#
#   make                      release build (Swift runtime linked statically)
#   sudo make install         binary, units, tmpfiles/sysusers, config, docs
#   make install DESTDIR=/tmp/stage PREFIX=/usr   staged install for a package
#
# The config goes to $(SYSCONFDIR)/revq/revq.yaml only when no file is there, so an upgrade
# never overwrites an operator's config. After a real install (no DESTDIR), run
#   systemd-sysusers && systemd-tmpfiles --create && systemctl daemon-reload
# or `make setup`, which does exactly that.

PREFIX ?= /usr/local
BINDIR ?= $(PREFIX)/bin
DOCDIR ?= $(PREFIX)/share/doc/revq
SYSCONFDIR ?= /etc
UNITDIR ?= $(PREFIX)/lib/systemd/system
TMPFILESDIR ?= $(PREFIX)/lib/tmpfiles.d
SYSUSERSDIR ?= $(PREFIX)/lib/sysusers.d
DESTDIR ?=
SWIFT ?= swift
# Extra flags for swift build, e.g. SWIFT_BUILD_FLAGS=--scratch-path=/tmp/revq-build
SWIFT_BUILD_FLAGS ?=
INSTALL ?= install

# Paths the shipped units and config name, rewritten to the ones chosen above.
SUBSTITUTE = sed -e 's|/usr/local/bin/revq|$(BINDIR)/revq|g' \
	-e 's|/usr/local/share/doc/revq|$(DOCDIR)|g' \
	-e 's|/etc/revq/|$(SYSCONFDIR)/revq/|g'

# The service layout: the KB under the revq user's home, the spool and the store where the
# tmpfiles rule makes them. Applied to the config installed for the first time.
SERVICE_CONFIG = sed -e 's|^\# kb_root: /srv/kb$$|kb_root: /var/lib/revq/kb|' \
	-e 's|^\# store: /var/lib/revq/review-store.sqlite$$|store: /var/lib/revq/store/review-store.sqlite|' \
	-e 's|^\# spool: /var/spool/revq$$|spool: /var/spool/revq|'

.PHONY: all build install install-bin install-data setup uninstall

all: build

build:
	$(SWIFT) build -c release --static-swift-stdlib $(SWIFT_BUILD_FLAGS)

install: install-bin install-data

install-bin: build
	$(INSTALL) -d $(DESTDIR)$(BINDIR)
	$(INSTALL) -m 0755 "$$($(SWIFT) build -c release --static-swift-stdlib $(SWIFT_BUILD_FLAGS) --show-bin-path)/revq" $(DESTDIR)$(BINDIR)/revq

install-data:
	$(INSTALL) -d $(DESTDIR)$(UNITDIR) $(DESTDIR)$(TMPFILESDIR) $(DESTDIR)$(SYSUSERSDIR) $(DESTDIR)$(DOCDIR)
	$(SUBSTITUTE) systemd/revq-worker.service > $(DESTDIR)$(UNITDIR)/revq-worker.service
	$(SUBSTITUTE) systemd/revq-worker@.service > $(DESTDIR)$(UNITDIR)/revq-worker@.service
	chmod 0644 $(DESTDIR)$(UNITDIR)/revq-worker.service $(DESTDIR)$(UNITDIR)/revq-worker@.service
	$(INSTALL) -m 0644 systemd/revq.tmpfiles.conf $(DESTDIR)$(TMPFILESDIR)/revq.conf
	$(INSTALL) -m 0644 systemd/revq.sysusers.conf $(DESTDIR)$(SYSUSERSDIR)/revq.conf
	$(INSTALL) -m 0644 README.md $(DESTDIR)$(DOCDIR)/README.md
	$(INSTALL) -d -m 0755 $(DESTDIR)$(SYSCONFDIR)/revq
	if [ -e $(DESTDIR)$(SYSCONFDIR)/revq/revq.yaml ]; then \
		echo "keeping $(DESTDIR)$(SYSCONFDIR)/revq/revq.yaml; the shipped one is in $(DESTDIR)$(DOCDIR)/revq.yaml.example"; \
	else \
		$(SERVICE_CONFIG) config/revq.yaml > $(DESTDIR)$(SYSCONFDIR)/revq/revq.yaml; \
		chmod 0644 $(DESTDIR)$(SYSCONFDIR)/revq/revq.yaml; \
	fi
	$(SERVICE_CONFIG) config/revq.yaml > $(DESTDIR)$(DOCDIR)/revq.yaml.example
	chmod 0644 $(DESTDIR)$(DOCDIR)/revq.yaml.example

# Creates the user, the spool and the state directories, and makes systemd read the units.
setup:
	systemd-sysusers $(SYSUSERSDIR)/revq.conf
	systemd-tmpfiles --create $(TMPFILESDIR)/revq.conf
	systemctl daemon-reload

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/revq $(DESTDIR)$(UNITDIR)/revq-worker.service $(DESTDIR)$(UNITDIR)/revq-worker@.service
	rm -f $(DESTDIR)$(TMPFILESDIR)/revq.conf $(DESTDIR)$(SYSUSERSDIR)/revq.conf
	rm -rf $(DESTDIR)$(DOCDIR)
	@echo "kept $(SYSCONFDIR)/revq, /var/spool/revq and /var/lib/revq"
