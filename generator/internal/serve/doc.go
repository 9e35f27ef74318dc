// Package serve is the dev server: it builds the site, serves it on a
// loopback address, watches the sources, rebuilds what changed and tells
// the browser to follow. An author edits in any editor and the page
// updates without a touch.
//
// # Serving
//
// [New] listens (127.0.0.1:8080 unless [Config] says otherwise; a taken
// port is an error naming it) and [Server.Run] serves the output folder
// as it is at each request: only GET and HEAD, Cache-Control no-store, a
// fixed table of content types, folders as their index.html, and the
// site's 404.html, with status 404, for anything missing. The folder is
// opened as an [os.Root] per request, so no path, encoded or not, and no
// symbolic link leads out of it; ".." is refused outright.
//
// The output folder is the server's own: a temporary folder that lives as
// long as the server (across restarts) and goes when it stops, so that
// public/ holds only what the build command wrote. Folders left by a
// server that was killed are removed by the next one.
//
// Only requests for the loopback names (localhost, 127.0.0.1, [::1]) and
// the address listened on are answered; any other Host header, as a page
// elsewhere gets by rebinding its name to 127.0.0.1, is refused with 403.
// An address other machines can reach, such as 0.0.0.0:8080, is allowed
// on purpose but logs a warning. Connections are bounded
// ([DefaultMaxConns]; at the bound, the one idle longest is closed) and
// idle kept-alive ones close after [DefaultIdleTimeout]; event streams
// are never idle and stay open.
//
// Pages (text/html responses) get the reload script inserted before
// their </body>. Only the server does that: the files on disk, which get
// published, carry no JavaScript.
//
// # Watching
//
// The watcher follows the content folder and, when Config.Program is
// set, the Go code (figures/ and generator/), recursively, adding folders
// as they appear. Editors' temporary and backup files and hidden files
// ([site.Ignored]: vim's 4913, *.swp and *~, Emacs's .#* and #*#,
// JetBrains' ___jb_ files, Helix's .bck, ...) never count. Saves by
// rename, deletions and moves are ordinary changes: the build reads the
// folder afresh, so a deleted or moved article's output goes or moves.
//
// A watched folder that goes away (rm -rf content, a move) is watched
// again when it comes back (git checkout, the move back): the folder
// above it is watched for its name.
//
// Changes are batched: a build starts once the files have been quiet for
// 20 ms, or 250 ms while a program writes many files, and at least every
// second while changes never stop. A file that vanished is given half a
// second to come back before the build treats it as deleted, since
// editors such as vim move the old file away before writing the new one.
// A thousand writes within a second cost at most two builds.
//
// # Rebuilding
//
// One [site.Builder] serves the whole session, so a prose edit re-parses
// that article and runs no experiment, and a parameter edit runs that one
// figure; it keeps in memory only the outputs the content uses now. The
// builder swaps its output in only when everything succeeded; the server
// then works out the new version of the site (a hash of every file) and
// wakes the pages.
//
// Builds run beside the watch: a save made during a build cancels it,
// experiments included, and the next build starts once the cancelled one
// has stopped. A cancelled build publishes nothing and shows no error.
//
// A change to Go code rebuilds the program (go build, into a temporary
// folder); a Go save during go build cancels it and builds again. A save
// whose files hash as before ([lab.CodeHash], blind to comments and
// layout) changes nothing and is skipped; see code.go. If the
// build fails, the old program keeps serving and the compiler's errors
// show over the page. If it builds and differs from the running program,
// the server runs it once as a check (EXPLAINER_SERVE_CHECK): it starts
// and builds the site into a scratch folder. A program that panics at
// init or in its build is discarded, and the old one goes on serving with
// the panic over the page. A program that passes the check takes over:
// the server stops serving, keeps the listening socket open, clears its
// close-on-exec flag, and replaces its process with the new program
// (syscall.Exec) with the same arguments, naming the socket's descriptor
// in EXPLAINER_SERVE_FD, and the time it last looked for Go changes in
// EXPLAINER_SERVE_SINCE, so that the new program rebuilds again if the
// code changed during the hand-over. The new program serves on the same
// socket, so the address never refuses a connection, and the process
// keeps its id, so make serve and go run stay attached.
//
// # The page's side
//
// The reload script connects to /.serve/events with the version its page
// shows and the file it was served from, and receives Server-Sent Events:
//
//	problems  the errors of the last build and the last Go build, with
//	          their positions, shown over the page (an empty list clears them)
//	reload    the page's file, or a stylesheet, font or other asset changed
//	figures   only the page's figures or their data changed: the images are
//	          swapped in place, and the page keeps its scroll position
//	version   other pages changed; this one is current
//
// Each event that moves the page to a version carries it as the event id,
// so a page that reconnects (after the server restarted, or came back)
// is told exactly what it missed. While the stream is down the page says
// the server is not running, and it reconnects every second.
package serve
