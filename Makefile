# Builds the gateway library, the nginx module (against Debian's nginx
# sources, as nginx builds any dynamic module), the FastCGI daemon, the
# example and demo apps, and runs the tests.  `make run` and `make test`
# install what is missing first.

SHELL      := /bin/bash
BUILD      ?= build
SAN        ?=
CC         ?= cc
PYTHON     ?= /usr/bin/python3
NGINX      ?= /usr/sbin/nginx
NGINX_SRC  ?= /usr/share/nginx/src
PORT       ?= 8080

DEB_PACKAGES = nginx nginx-dev libjansson-dev libfcgi-dev libcmocka-dev \
               libssl-dev libgmp-dev wrk python3 python3-jinja2 python3-flask \
               python3-pytest clang libclang-rt-14-dev pkg-config curl \
               libsqlite3-dev zlib1g-dev chromium chromium-driver \
               python3-selenium locales
BENCH_PACKAGES = libnginx-mod-http-lua lua-cjson

# -fno-plt: calls into jansson and libc go through the GOT directly; a page
# makes hundreds of them, and the PLT's extra jump cost the template bench
# about 6%.  -fno-semantic-interposition: the library's calls to its own
# exported functions are direct (and may be inlined), not through the GOT,
# as no one replaces them at run time: 3-4% of the template bench.
CFLAGS_BASE = -std=gnu11 -g -O2 -fPIC -fno-plt -fno-semantic-interposition \
              -Wall -Wextra -Werror \
              -Wno-unused-parameter -Igateway -D_GNU_SOURCE
# gcc's "undefined" leaves out float-cast-overflow; every report stops the
# program, so no run can pass with one
ifeq ($(SAN),1)
SANFLAGS    = -fsanitize=address,undefined,float-cast-overflow \
              -fno-sanitize-recover=all -fno-omit-frame-pointer
endif
CFLAGS     := $(CFLAGS_BASE) $(SANFLAGS) $(EXTRA_CFLAGS)
LDFLAGS    := $(SANFLAGS)
LIBS        = -ljansson -lgmp -lcrypto -lz -ldl -lpthread -lm

# Library sources: everything under gateway/ but the programs.
LIB_SRCS   := $(wildcard gateway/*.c gateway/framework/*.c \
                         gateway/template/*.c)
LIB_OBJS   := $(LIB_SRCS:%.c=$(BUILD)/obj/%.o)
LIB        := $(BUILD)/libgateway.so
LINK_LIB    = -L$(BUILD) -lgateway

APP_SRCS   := $(wildcard app/*.c)
UNIT_SRCS  := $(wildcard t/unit/test_*.c)
UNIT_BINS  := $(UNIT_SRCS:t/unit/%.c=$(BUILD)/t/%)
TEST_APPS  := $(patsubst t/apps/%.c,$(BUILD)/t/apps/%.so,$(wildcard t/apps/*.c)) \
              $(BUILD)/t/apps/counter_b.so
FUZZ_SRCS  := $(wildcard fuzz/fuzz_*.c)
FUZZ_BINS  := $(FUZZ_SRCS:fuzz/%.c=$(BUILD)/fuzz/%)

MODULE     := $(BUILD)/ngx_http_gateway_module.so
PROGRAMS   := $(LIB) $(MODULE) $(BUILD)/gateway-fcgi $(BUILD)/gw-render \
              $(BUILD)/gw-routes $(BUILD)/gw-cmd \
              $(BUILD)/examples/echo.so
ifneq ($(APP_SRCS),)
PROGRAMS   += $(BUILD)/app.so
endif

.PHONY: all deps bench-deps run test fuzz bench soak clean
all: $(PROGRAMS) $(TEST_APPS)

# ---- packages ---------------------------------------------------------------

# apt-get update once, and only when something is missing.
define install_missing
@missing=$$(for p in $(1); do \
	    dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null \
	        | grep -q 'ok installed' || echo $$p; done); \
	if [ -n "$$missing" ]; then \
	    echo "installing:" $$missing; \
	    if [ "$$(id -u)" != 0 ]; then SUDO=sudo; fi; \
	    $$SUDO apt-get update -qq && \
	    DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq \
	        --no-install-recommends $$missing >/dev/null; \
	fi
endef

deps:
	$(call install_missing,$(DEB_PACKAGES))

# OpenResty for the JSON rows of `make bench` only (nginx's lua module and
# lua-cjson, loaded by the bench's own nginx configuration)
bench-deps:
	$(call install_missing,$(BENCH_PACKAGES))

# ---- the library and the programs --------------------------------------------

$(BUILD)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -MMD -MP -c -o $@ $<

# The library exports what its public headers declare (they push default
# visibility) and nothing else.
$(LIB_OBJS): CFLAGS += -fvisibility=hidden

# Versioned as an installed library is (see "install" below): apps and the
# module record the soname, found here through the link beside the file.
$(LIB): $(LIB_OBJS)
	$(CC) -shared -Wl,-soname,$(SONAME) $(LDFLAGS) -o $@ $^ $(LIBS)
	ln -sf libgateway.so $(BUILD)/$(SONAME)

# ---- the template engine, built with profile feedback ----------------------

# The engine's files are compiled with the counts of a training run
# (bench/pgo-train: the conformance corpus, then the demo site's pages) so
# that the compiler lays out and inlines what pages use most: about a fifth
# of the template bench.  The instrumented library and its two training
# programs live in $(PGO); the counts are retaken whenever a source
# changes.  Code the training never ran is optimised as without a profile
# (-fprofile-partial-training).  Sanitizer builds go without.
ifneq ($(SAN),1)
PGO        := $(BUILD)/pgo
PGO_SRCS   := $(wildcard gateway/template/*.c)
PGO_GEN     = -fprofile-generate -fprofile-update=single

$(PGO)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(PGO_GEN) -MMD -MP -c -o $@ $<

$(PGO_SRCS:%.c=$(PGO)/obj/%.o): CFLAGS += -fvisibility=hidden

# Only the engine is instrumented; the rest of the library is linked in as
# built, so that editing it relinks this copy without retraining.
$(PGO)/libgateway.so: $(PGO_SRCS:%.c=$(PGO)/obj/%.o) \
                      $(filter-out $(PGO_SRCS:%.c=$(BUILD)/obj/%.o),$(LIB_OBJS))
	$(CC) -shared -Wl,-soname,libgateway.so $(PGO_GEN) -o $@ $^ $(LIBS)

$(PGO)/gw-render: $(PGO)/obj/programs/gw-render/gw_render.o $(PGO)/libgateway.so
	$(CC) $(PGO_GEN) -o $@ $< -L$(PGO) -lgateway $(LIBS) \
	    -Wl,-rpath,'$$ORIGIN'

$(PGO)/template_bench: bench/template_bench.c $(PGO)/libgateway.so
	$(CC) $(CFLAGS) -o $@ $< -L$(PGO) -lgateway $(LIBS) \
	    -Wl,-rpath,'$$ORIGIN'

# Retrained when the engine or the training changes; the programs that
# drive it are only needed to exist (order-only), so a change elsewhere in
# the library, which relinks them, costs no new training.
$(PGO)/trained: $(PGO_SRCS:%.c=$(PGO)/obj/%.o) bench/pgo-train \
                bench/template_bench.c programs/gw-render/gw_render.c \
                $(wildcard data/notes.json templates/*.html) \
              | $(PGO)/gw-render $(PGO)/template_bench
	find $(PGO) -name '*.gcda' -delete
	bench/pgo-train $(PGO)
	touch $@

# -dumpdir/-dumpbase: each object is compiled under its instrumented
# twin's name, which is how GCC finds the counts and matches them to the
# file's static functions
$(PGO_SRCS:%.c=$(BUILD)/obj/%.o): $(BUILD)/obj/%.o: %.c $(PGO)/trained
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -fprofile-use -fprofile-partial-training \
	    -dumpdir $(dir $(PGO)/obj/$*) -dumpbase $(notdir $<) \
	    -dumpbase-ext .c -MMD -MP -c -o $@ $<
endif

FCGI_SRCS  := $(wildcard programs/gateway-fcgi/*.c)
$(BUILD)/gateway-fcgi: $(FCGI_SRCS:%.c=$(BUILD)/obj/%.o) $(LIB)
	$(CC) $(LDFLAGS) -o $@ $(filter %.o,$^) $(LINK_LIB) -lfcgi $(LIBS) \
	    -Wl,-rpath,'$$ORIGIN'

$(BUILD)/gw-routes: $(BUILD)/obj/programs/gw-routes/gw_routes.o $(LIB)
	$(CC) $(LDFLAGS) -o $@ $< $(LINK_LIB) $(LIBS) -Wl,-rpath,'$$ORIGIN'

$(BUILD)/gw-cmd: $(BUILD)/obj/programs/gw-cmd/gw_cmd.o $(LIB)
	$(CC) $(LDFLAGS) -o $@ $< $(LINK_LIB) $(LIBS) -Wl,-rpath,'$$ORIGIN'

$(BUILD)/gw-render: $(BUILD)/obj/programs/gw-render/gw_render.o $(LIB)
	$(CC) $(LDFLAGS) -o $@ $< $(LINK_LIB) $(LIBS) -Wl,-rpath,'$$ORIGIN'

$(BUILD)/examples/%.so: $(BUILD)/obj/examples/%.o $(LIB)
	@mkdir -p $(dir $@)
	$(CC) -shared $(LDFLAGS) -o $@ $< $(LINK_LIB) $(LIBS) -Wl,-rpath,'$$ORIGIN/..'

# Small apps the tests load: one without an entry point, one that fails.
$(BUILD)/t/apps/%.so: $(BUILD)/obj/t/apps/%.o $(LIB)
	@mkdir -p $(dir $@)
	$(CC) -shared $(LDFLAGS) -o $@ $< $(LINK_LIB) $(LIBS) \
	    -Wl,-rpath,'$$ORIGIN/../..'

# A second build of the counter app that answers differently, for tests
# that deploy new code over old.
$(BUILD)/obj/t/apps/counter_b.o: t/apps/counter.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -DCOUNTER_BUILD='"b"' -MMD -MP -c -o $@ $<

$(BUILD)/app.so: $(APP_SRCS:%.c=$(BUILD)/obj/%.o) $(LIB)
	$(CC) -shared $(LDFLAGS) -o $@ $(filter %.o,$^) $(LINK_LIB) -lsqlite3 \
	    $(LIBS) \
	    -Wl,-rpath,'$$ORIGIN'

# The module is built by nginx's own build system from Debian's sources,
# configured with the flags Debian's nginx was built with (--with-compat).
NGX_TREE := $(BUILD)/nginx
NGX_CC_OPT := -Wall -Wextra -Werror -Wno-unused-parameter $(SANFLAGS)
$(NGX_TREE)/objs/Makefile: config
	rm -rf $(NGX_TREE) && mkdir -p $(BUILD) && cp -r $(NGINX_SRC) $(NGX_TREE)
	cd $(NGX_TREE) && . ./conf_flags && \
	    GATEWAY_LIB_DIR=$(abspath $(BUILD)) ./configure \
	    "$${NGX_CONF_FLAGS[@]}" --with-cc-opt="$(NGX_CC_OPT)" \
	    --add-dynamic-module=$(CURDIR) >configure.log 2>&1 \
	    || { tail -20 configure.log; exit 1; }

$(MODULE): $(NGX_TREE)/objs/Makefile $(wildcard ngx_module/*.c ngx_module/*.h) \
           gateway/gw_core.h $(LIB)
	$(MAKE) -s -C $(NGX_TREE) -f objs/Makefile modules
	cp $(NGX_TREE)/objs/ngx_http_gateway_module.so $@

# ---- tests ------------------------------------------------------------------

$(BUILD)/t/%: t/unit/%.c $(LIB)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -o $@ $< $(UNIT_EXTRA) $(LINK_LIB) -lcmocka $(LIBS) \
	    -Wl,-rpath,'$$ORIGIN/..'

# The library's internal helpers are hidden in the .so: their tests link
# the object itself.
$(BUILD)/t/test_header_params: UNIT_EXTRA = \
    $(BUILD)/obj/gateway/framework/header_params.o
$(BUILD)/t/test_header_params: $(BUILD)/obj/gateway/framework/header_params.o

# A comma-decimal locale for test_locale, made here: a fresh machine has
# only C and POSIX.
$(BUILD)/locale/de_DE.UTF-8/LC_NUMERIC:
	@mkdir -p $(BUILD)/locale
	localedef -i de_DE -f UTF-8 $(BUILD)/locale/de_DE.UTF-8 || \
	    test -f $@

$(BUILD)/t/test_locale: $(BUILD)/t/apps/numbers.so \
                        $(BUILD)/locale/de_DE.UTF-8/LC_NUMERIC

# The demo's unit test loads the demo app itself.
$(BUILD)/t/test_app_demo: $(BUILD)/app.so

# Fuzz targets link the library compiled once more by clang, instrumented
# for coverage and the sanitizers; any report ends the run as a crash.
FUZZ_CFLAGS = -std=gnu11 -g -O1 -Igateway -D_GNU_SOURCE \
              -fsanitize=address,undefined,float-cast-overflow \
              -fno-sanitize-recover=all -fno-omit-frame-pointer
FUZZ_OBJS  := $(LIB_SRCS:%.c=$(BUILD)/fuzz-obj/%.o)
$(BUILD)/fuzz-obj/%.o: %.c
	@mkdir -p $(dir $@)
	clang $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link -MMD -MP -c -o $@ $<

$(BUILD)/fuzz/%: fuzz/%.c $(FUZZ_OBJS)
	@mkdir -p $(dir $@)
	clang $(FUZZ_CFLAGS) -fsanitize=fuzzer -o $@ $< $(FUZZ_EXTRA) \
	    $(FUZZ_OBJS) $(LIBS)

# gateway-fcgi's params code is not in the library: its target links it.
$(BUILD)/fuzz/fuzz_fcgi_params: $(BUILD)/fuzz-obj/programs/gateway-fcgi/fcgi_environ.o
$(BUILD)/fuzz/fuzz_fcgi_params: FUZZ_EXTRA = \
    $(BUILD)/fuzz-obj/programs/gateway-fcgi/fcgi_environ.o

fuzz: $(FUZZ_BINS)

test: deps
	@$(MAKE) -s -j$$(nproc) all $(UNIT_BINS) $(FUZZ_BINS)
	@$(MAKE) -s -j$$(nproc) SAN=1 BUILD=build-san all \
	    $(UNIT_BINS:$(BUILD)/%=build-san/%)
	@t/run-all

# ---- the demo site and the benchmarks ----------------------------------------

run: deps
	@$(MAKE) -s -j$$(nproc) all
	@t/serve-demo $(PORT)

bench: deps bench-deps
	@$(MAKE) -s -j$$(nproc) all
	@bench/run

# A million requests against one worker: its RSS must stay flat.
soak: deps
	@$(MAKE) -s -j$$(nproc) all
	@bench/soak

# ---- install ------------------------------------------------------------------

# `make install [PREFIX=/usr/local] [DESTDIR=]`: the library (versioned,
# with its soname and the -dev link), the public headers, gateway.pc, the
# programs (with the skeleton gw-new copies), and the nginx module with a load_module snippet where Debian's
# nginx reads them, and gateway_fastcgi_params beside nginx's own
# fastcgi_params.  The programs and the module are linked again for the
# installed library: nothing installed refers to the checkout.  Where
# LIBDIR is not one the dynamic linker searches by default, they (and
# gateway.pc's Libs) carry LIBDIR as RUNPATH.
VERSION        := 0.1.0
SONAME         := libgateway.so.$(firstword $(subst ., ,$(VERSION)))
PREFIX         ?= /usr/local
BINDIR         ?= $(PREFIX)/bin
LIBDIR         ?= $(PREFIX)/lib
INCLUDEDIR     ?= $(PREFIX)/include
PKGCONFIGDIR   ?= $(LIBDIR)/pkgconfig
NGINX_MODULES_DIR ?= /usr/lib/nginx/modules
NGINX_MODULES_AVAILABLE ?= /usr/share/nginx/modules-available
NGINX_MODULES_ENABLED   ?= /etc/nginx/modules-enabled
NGINX_CONF_DIR ?= /etc/nginx
DATADIR        ?= $(PREFIX)/share/gateway

SYSTEM_LIBDIRS := /lib /usr/lib $(addprefix /lib/ /usr/lib/,\
                  $(shell $(CC) -print-multiarch 2>/dev/null))
INSTALL_RPATH   = $(if $(filter $(patsubst %/,%,$(LIBDIR)),$(SYSTEM_LIBDIRS)),,\
                  -Wl,-rpath,$(LIBDIR))
INSTALL_LINK    = -L$(BUILD) -lgateway $(INSTALL_RPATH)
HEADERS        := gateway/gateway.h gateway/gw_core.h gateway/gw_template.h \
                  gateway/gw_framework.h gateway/gw_testing.h
INSTALLED_BINS := gateway-fcgi gw-render gw-routes gw-cmd gw-dev gw-new
SKELETON_FILES := $(patsubst examples/skeleton/%,%,\
                    $(wildcard examples/skeleton/.gitignore \
                               examples/skeleton/Makefile \
                               examples/skeleton/*.c \
                               examples/skeleton/*.conf \
                               examples/skeleton/templates/* \
                               examples/skeleton/static/*))
MODULE_OBJS     = $(addprefix $(NGX_TREE)/objs/, \
                    $(patsubst %.c,addon/ngx_module/%.o,\
                      $(notdir $(wildcard ngx_module/*.c))) \
                    ngx_http_gateway_module_modules.o)
LIB_FILE       := libgateway.so.$(VERSION)
SNIPPET        := mod-http-gateway.conf

.PHONY: install uninstall dev
install: $(PROGRAMS)
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(LIBDIR) \
	    $(DESTDIR)$(INCLUDEDIR)/gateway $(DESTDIR)$(PKGCONFIGDIR) \
	    $(DESTDIR)$(NGINX_MODULES_DIR) $(DESTDIR)$(NGINX_MODULES_AVAILABLE) \
	    $(DESTDIR)$(NGINX_MODULES_ENABLED) $(DESTDIR)$(NGINX_CONF_DIR) \
	    $(DESTDIR)$(DATADIR)
	install -m 644 $(LIB) $(DESTDIR)$(LIBDIR)/$(LIB_FILE)
	ln -sf $(LIB_FILE) $(DESTDIR)$(LIBDIR)/$(SONAME)
	ln -sf $(SONAME) $(DESTDIR)$(LIBDIR)/libgateway.so
	install -m 644 $(HEADERS) $(DESTDIR)$(INCLUDEDIR)/gateway
	$(CC) $(LDFLAGS) -o $(DESTDIR)$(BINDIR)/gateway-fcgi \
	    $(FCGI_SRCS:%.c=$(BUILD)/obj/%.o) $(INSTALL_LINK) -lfcgi $(LIBS)
	$(CC) $(LDFLAGS) -o $(DESTDIR)$(BINDIR)/gw-render \
	    $(BUILD)/obj/programs/gw-render/gw_render.o $(INSTALL_LINK) $(LIBS)
	$(CC) $(LDFLAGS) -o $(DESTDIR)$(BINDIR)/gw-routes \
	    $(BUILD)/obj/programs/gw-routes/gw_routes.o $(INSTALL_LINK) $(LIBS)
	$(CC) $(LDFLAGS) -o $(DESTDIR)$(BINDIR)/gw-cmd \
	    $(BUILD)/obj/programs/gw-cmd/gw_cmd.o $(INSTALL_LINK) $(LIBS)
	install -m 755 programs/gw-dev/gw-dev $(DESTDIR)$(BINDIR)/gw-dev
	for f in $(SKELETON_FILES); do \
	    install -D -m 644 examples/skeleton/$$f \
	        $(DESTDIR)$(DATADIR)/skeleton/$$f || exit 1; \
	done
	sed 's|@SKELETON@|$(DATADIR)/skeleton|' programs/gw-new/gw-new \
	    > $(DESTDIR)$(BINDIR)/gw-new
	chmod 755 $(DESTDIR)$(BINDIR)/gw-new
	$(CC) -shared -Wl,-z,relro -Wl,-z,now $(LDFLAGS) \
	    -o $(DESTDIR)$(NGINX_MODULES_DIR)/ngx_http_gateway_module.so \
	    $(MODULE_OBJS) $(INSTALL_LINK)
	echo "load_module $(NGINX_MODULES_DIR)/ngx_http_gateway_module.so;" \
	    > $(DESTDIR)$(NGINX_MODULES_AVAILABLE)/$(SNIPPET)
	ln -sf $(NGINX_MODULES_AVAILABLE)/$(SNIPPET) \
	    $(DESTDIR)$(NGINX_MODULES_ENABLED)/50-$(SNIPPET)
	install -m 644 conf/gateway_fastcgi_params $(DESTDIR)$(NGINX_CONF_DIR)
	{ echo "prefix=$(PREFIX)"; \
	  echo "libdir=$(LIBDIR)"; \
	  echo "includedir=$(INCLUDEDIR)"; \
	  echo "bindir=$(BINDIR)"; \
	  echo "module=$(NGINX_MODULES_DIR)/ngx_http_gateway_module.so"; \
	  echo "fastcgi_params=$(NGINX_CONF_DIR)/gateway_fastcgi_params"; \
	  echo; \
	  echo "Name: gateway"; \
	  echo "Description: Flask-style C web applications inside nginx"; \
	  echo "Version: $(VERSION)"; \
	  echo "Requires: jansson"; \
	  echo "Requires.private: gmp libcrypto zlib"; \
	  echo "Cflags: -I\$${includedir}/gateway"; \
	  echo "Libs: -L\$${libdir} -lgateway" \
	       "$(INSTALL_RPATH:$(LIBDIR)=\$${libdir})"; \
	  echo "Libs.private: -ldl -lpthread -lm"; \
	} > $(DESTDIR)$(PKGCONFIGDIR)/gateway.pc
	@if [ -z "$(DESTDIR)" ] && [ -z "$(INSTALL_RPATH)" ] \
	    && [ "$$(id -u)" = 0 ]; then ldconfig; fi

uninstall:
	rm -f $(DESTDIR)$(LIBDIR)/$(LIB_FILE) $(DESTDIR)$(LIBDIR)/$(SONAME) \
	    $(DESTDIR)$(LIBDIR)/libgateway.so \
	    $(addprefix $(DESTDIR)$(INCLUDEDIR)/gateway/,$(notdir $(HEADERS))) \
	    $(DESTDIR)$(PKGCONFIGDIR)/gateway.pc \
	    $(addprefix $(DESTDIR)$(BINDIR)/,$(INSTALLED_BINS)) \
	    $(DESTDIR)$(NGINX_MODULES_DIR)/ngx_http_gateway_module.so \
	    $(DESTDIR)$(NGINX_MODULES_AVAILABLE)/$(SNIPPET) \
	    $(DESTDIR)$(NGINX_MODULES_ENABLED)/50-$(SNIPPET) \
	    $(DESTDIR)$(NGINX_CONF_DIR)/gateway_fastcgi_params
	rm -rf $(DESTDIR)$(DATADIR)/skeleton
	rmdir --ignore-fail-on-non-empty $(DESTDIR)$(INCLUDEDIR)/gateway \
	    $(DESTDIR)$(DATADIR) 2>/dev/null || true

# The demo site served as by `make run`, rebuilt and reloaded when its C
# sources change (templates reload by themselves: TEMPLATES_AUTO_RELOAD).
# The library and the module are loaded once by nginx's master: a change
# there needs a restart of `make dev`, not a reload.
dev: deps
	@$(MAKE) -s -j$$(nproc) all
	@programs/gw-dev/gw-dev --build '$(MAKE) -s -j2 all' --watch app \
	    -- env GW_DEV=1 t/serve-demo $(PORT)

clean:
	rm -rf build build-san

-include $(shell find $(BUILD)/obj $(BUILD)/fuzz-obj $(BUILD)/pgo/obj \
                     -name '*.d' 2>/dev/null)
