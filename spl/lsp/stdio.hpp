#pragma once
// Runs a Server over a byte stream pair: a thread reads and frames messages ahead of the server
// (so a $/cancelRequest is seen before the request it cancels is handled, and a burst of edits is
// analysed once), the calling thread handles them and writes the replies.

#include <istream>
#include <ostream>

#include "spl/lsp/server.hpp"

namespace spl::lsp {

// Returns the process exit code: 0 after shutdown and exit (or end of input after shutdown), 1
// when the client went away or said exit without shutdown.
int serve(std::istream& in, std::ostream& out, const ServerInfo& info);

}  // namespace spl::lsp
