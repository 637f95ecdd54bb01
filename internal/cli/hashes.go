package cli

import (
	"context"
	"fmt"
	"log/slog"
	"path/filepath"

	"github.com/spyglass-forensics/spyglass/internal/output"
)

// hashInput records the SHA-256 of every input file (-H, and always for
// Android bugreports and backups, as MVT does) in hashes.jsonl, and their
// count and that file's digest in info. Evidence given through a link is
// hashed at its target, and the log says so: the link itself holds no
// evidence, and walking it would list nothing.
func hashInput(ctx context.Context, log *slog.Logger, outDir, target string, info *output.Info) {
	root, err := filepath.EvalSymlinks(target)
	if err != nil {
		log.Warn("could not hash the input", "error", err)
		return
	}
	if root, err = filepath.Abs(root); err != nil {
		log.Warn("could not hash the input", "error", err)
		return
	}
	if abs, _ := filepath.Abs(target); root != abs {
		log.Info(fmt.Sprintf("the evidence %s was given through a symbolic link: hashing its target %s", target, root))
	}
	ref, few, err := output.WriteHashes(ctx, outDir, root)
	if err != nil {
		log.Warn("could not hash the input", "error", err)
		return
	}
	info.HashesFile = ref
	if few != nil {
		info.Hashes = few
	}
	log.Info(fmt.Sprintf("hashed %d input files into %s (its SHA-256: %s)", ref.Count, ref.File, ref.SHA256))
}
