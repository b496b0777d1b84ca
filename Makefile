# Servitor — build, test and run.
#   make            build build/servitor (and the web UI when npm is there)
#   make test       every test: unit, API, browser, fuzz smoke, sanitizer
#   make attack     the long attack sweep (tests/attack/run.sh)
#   make bench-smoke  the benchmark, small and short: fails on errors only
#   make demo       build, fill data/servitor.db with demo data, serve on :8080
#   make asan       build build-asan/servitor with ASan + UBSan

CC      ?= cc
BUILD   ?= build
PKGS    := libmicrohttpd jansson sqlite3 libsodium libpq libcurl xlsxwriter libqrencode
OPT     ?= -O2 -g
CFLAGS  := $(OPT) -std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror -Wno-unused-parameter -Wno-missing-field-initializers -Isrc -I$(BUILD)/gen \
           $(shell pkg-config --cflags $(PKGS))
# libharu (libhpdf-dev) has no pkg-config file: linked by name
LDLIBS  += $(shell pkg-config --libs $(PKGS) gmime-3.0) -lhpdf -lpthread -lz -lm
# GMime (and the glib under it) is seen by one file only: the MIME wrapper
MIME_CFLAGS := $(shell pkg-config --cflags gmime-3.0)
VERSION := $(shell git describe --always --dirty 2>/dev/null || echo dev)

SRC_ALL  := $(sort $(wildcard src/*/*.c src/domain/*/*.c))
SRC_LIB  := $(filter-out src/cli/main.c,$(SRC_ALL))
OBJ_LIB  := $(SRC_LIB:%.c=$(BUILD)/%.o) $(BUILD)/gen/migrations.o $(BUILD)/gen/webassets.o
MIGRATIONS := $(sort $(wildcard src/db/migrations/*.sql))
WEB_SRC  := $(shell find web/src -type f 2>/dev/null) web/build.mjs
WEB_FILES = $(wildcard web/dist/*.html web/dist/*.js web/dist/*.css web/dist/*.svg)

.PHONY: print-pkgs print-libs all test unit bench-forecast bench-pdf bench-smoke api api-pg pg e2e fuzz asan demo web clean style attack
all: $(BUILD)/servitor

$(BUILD)/servitor: $(BUILD)/src/cli/main.o $(BUILD)/libservitor.a
	$(CC) $(CFLAGS) -o $@ $^ $(LDFLAGS) $(LDLIBS)

$(BUILD)/libservitor.a: $(OBJ_LIB)
	rm -f $@ && ar rcs $@ $^

$(BUILD)/%.o: %.c $(wildcard src/*/*.h src/domain/*/*.h)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -DSERVITOR_VERSION='"$(VERSION)"' -c -o $@ $<

$(BUILD)/src/domain/desk/mime.o: CFLAGS += $(MIME_CFLAGS)

$(BUILD)/tools/embed: tools/embed.c
	@mkdir -p $(dir $@)
	$(CC) -O2 -o $@ $<

$(BUILD)/gen/migrations.c: $(BUILD)/tools/embed $(MIGRATIONS)
	@mkdir -p $(dir $@)
	$(BUILD)/tools/embed migration_files $@ $(MIGRATIONS)

# the web UI: bundled by esbuild (npm), then every asset is embedded twice,
# as is and gzip-compressed
web/dist/.stamp: $(WEB_SRC) package-lock.json
	npm run --silent build:web
	touch $@

$(BUILD)/gen/webassets.c: $(BUILD)/tools/embed web/dist/.stamp
	@mkdir -p $(BUILD)/gen/web
	rm -f $(BUILD)/gen/web/*
	for f in $(WEB_FILES); do cp $$f $(BUILD)/gen/web/; gzip -9 -n -c $$f > $(BUILD)/gen/web/$$(basename $$f).gz; done
	$(BUILD)/tools/embed web_files $@ $$(ls $(BUILD)/gen/web/* 2>/dev/null)

$(BUILD)/gen/%.o: $(BUILD)/gen/%.c
	$(CC) $(CFLAGS) -c -o $@ $<

web: web/dist/.stamp

# ---- tests ------------------------------------------------------------------
UNIT_SRC := $(wildcard tests/unit/test_*.c)
UNIT_BIN := $(UNIT_SRC:tests/unit/%.c=$(BUILD)/tests/%)

$(BUILD)/tests/%: tests/unit/%.c $(BUILD)/libservitor.a
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -o $@ $< $(BUILD)/libservitor.a $(LDFLAGS) $(TEST_LDFLAGS) $(LDLIBS) $(shell pkg-config --libs cmocka)

# sees where passwords are hashed (never inside a write transaction)
# (not LDFLAGS: `make asan` sets that on the command line, which would drop it)
$(BUILD)/tests/test_lifecycle: TEST_LDFLAGS = -Wl,--wrap=auth_password_hash
# holds a group member back after it was woken (the result ring's test)
$(BUILD)/tests/test_group: TEST_LDFLAGS = -Wl,--wrap=pthread_cond_wait

# the replenishment run's cost: model selection for 100 000 parts (not in `make test`)
$(BUILD)/bench/forecast: bench/forecast.c $(BUILD)/libservitor.a
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -o $@ $< $(BUILD)/libservitor.a $(LDFLAGS) $(LDLIBS)

bench-forecast: $(BUILD)/bench/forecast
	$(BUILD)/bench/forecast

# one printed document's cost (issue 12: 20 ms), not in `make test`
$(BUILD)/bench/pdf: bench/pdf.c $(BUILD)/libservitor.a
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -o $@ $< $(BUILD)/libservitor.a $(LDFLAGS) $(LDLIBS)

bench-pdf: $(BUILD)/bench/pdf
	$(BUILD)/bench/pdf

# bench/run.sh at a small scale and for a few seconds a call: fails on errors
# (non-2xx, socket errors, a crash, an internal error), never on figures
bench-smoke: $(BUILD)/servitor
	BENCH_STRICT=1 BENCH_BIN=$(BUILD)/servitor BENCH_CLIENTS=$${BENCH_CLIENTS:-1000} \
	BENCH_REQUESTS=$${BENCH_REQUESTS:-5000} BENCH_SECONDS=$${BENCH_SECONDS:-3} BENCH_THREADS=2 \
	BENCH_CALLS="ping get_request list_filtered search create_request" BENCH_RAW=0 \
	BENCH_PORT=$$((20000 + $$$$ % 20000)) bench/run.sh

unit: $(UNIT_BIN)
	@set -e; for t in $(UNIT_BIN); do echo "== $$t"; SERVITOR_PWHASH=fast $$t; done

api: $(BUILD)/servitor
	SERVITOR_BIN=$(abspath $(BUILD)/servitor) node --test --test-concurrency=2 tests/api/

# the same API suite against PostgreSQL (each file starts its own server)
api-pg: $(BUILD)/servitor
	SERVITOR_TEST_DB=postgres SERVITOR_BIN=$(abspath $(BUILD)/servitor) node --test --test-concurrency=2 tests/api/

# PostgreSQL: several processes, restarts, replica, copy (starts its own servers)
pg: $(BUILD)/servitor
	SERVITOR_BIN=$(abspath $(BUILD)/servitor) node --test --test-concurrency=1 tests/pg/

e2e: $(BUILD)/servitor
	SERVITOR_BIN=$(abspath $(BUILD)/servitor) node --test tests/e2e/

fuzz:
	tests/fuzz/run.sh

# the long attack sweep, on demand (docs/operations.md, "Attack sweep")
attack: $(BUILD)/servitor
	SERVITOR_BIN=$(abspath $(BUILD)/servitor) tests/attack/run.sh

asan:
	$(MAKE) BUILD=build-asan CC=clang OPT="-O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all" LDFLAGS="-fsanitize=address,undefined" all unit-bins

unit-bins: $(UNIT_BIN)

test:
	tests/run-all.sh

demo:
	scripts/demo.sh

# what the fuzz build (tests/fuzz/run.sh) compiles and links with: written once, here
print-pkgs:
	@echo $(PKGS) gmime-3.0
print-libs:
	@echo $(LDLIBS)

# the style check: clang-format (.clang-format) and the banned functions
style:
	clang-format --dry-run --Werror $$(find src tools -name '*.c' -o -name '*.h')
	@! grep -rnE '\b(sprintf|strcpy|strcat|gets|atoi|strtok)\s*\(' src --include=*.c | grep -v banned.h
	@# the server never sees the database: a request's lifecycle is the core's (ctx_begin/ctx_end)
	@! grep -rnE '#include\s*"db/|\bdb_[a-z0-9_]+\s*\(' src/http
	@# settings are read in one place, and each is in docs/operations.md
	@! grep -rn 'getenv' src --include=*.c | grep -v '^src/base/settings.c:'
	@for v in $$(grep -oE '"SERVITOR_[A-Z_]+"' src/base/settings.h | tr -d '"'); do \
		grep -q "\`$$v\`" docs/operations.md || { echo "docs/operations.md does not list $$v"; exit 1; }; done
	@# handlers write no SQL: queries and transactions are core's or the domain's
	@! grep -nE '#include\s*"db/|\bdb_[a-z0-9_]+\s*\(' $(wildcard src/api/*.c)

clean:
	rm -rf build build-asan
