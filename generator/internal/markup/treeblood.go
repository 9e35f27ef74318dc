package markup

import (
	"io"
	"log"
	_ "unsafe" // for go:linkname

	_ "github.com/wyatt915/treeblood"
)

// treebloodLogger is TreeBlood's package logger, which writes warnings such
// as "potentially unmatched closing delimiter" for (−∞, 0] to standard
// error with no position. The build reports TeX problems itself, at their
// place in the file, so the warnings are silenced.
//
//go:linkname treebloodLogger github.com/wyatt915/treeblood.logger
var treebloodLogger *log.Logger

func init() {
	treebloodLogger.SetOutput(io.Discard)
}
