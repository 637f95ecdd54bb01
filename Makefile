# The one test command (the README's second command, run by .ci/run).
.PHONY: test demo fuzz bench build

build:
	CGO_ENABLED=0 go build -o spyglass ./cmd/spyglass

test:
	go test -count=1 -timeout 20m ./...

demo:
	go run ./cmd/spyglass demo

# Runs every fuzz target for FUZZTIME each (default 1m): make fuzz FUZZTIME=5m
FUZZTIME ?= 1m
fuzz:
	./scripts/fuzz.sh $(FUZZTIME)

bench:
	go test -run '^$$' -bench . -benchmem ./...
