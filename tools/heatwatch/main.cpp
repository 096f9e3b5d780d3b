// heatwatch: the one binary and the composition root. Each subcommand wires db/ into api/,
// workflows/ and adapters/ explicitly.
#include "tools/heatwatch/cli.hpp"

#include <cstring>
#include <iostream>

namespace {

constexpr const char* kUsage =
    "usage: heatwatch <command> [options]\n"
    "\n"
    "commands:\n"
    "  serve     run the HTTP(S) API server\n"
    "  migrate   apply database migrations (safe to run twice)\n"
    "  user      add, disable, enable, unlock or list user accounts\n"
    "  audit     verify the audit log's hash chain\n"
    "  demo      load the demo unit (cases in every stage, charges, victims, Safety Net); safe to run twice\n"
    "  evidence  verify evidence custody hash chains; SHA-256 of a file\n"
    "  gen-data  load deterministic benchmark data (county, office or statewide size) by COPY\n"
    "  reseal    re-encrypt victims' identity data with the current key after a key rotation\n"
    "  import    import a court calendar file (iCalendar or CSV) into a feed\n"
    "\n"
    "Every command takes --help. Options may also be set as HEATWATCH_* environment variables.\n";

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2 || std::strcmp(argv[1], "--help") == 0 || std::strcmp(argv[1], "-h") == 0 ||
      std::strcmp(argv[1], "help") == 0) {
    std::cout << kUsage;
    return argc < 2 ? 2 : 0;
  }
  const std::string command = argv[1];
  // Subcommands see argv without the command name.
  if (command == "serve") return heat::cli::serve(argc - 1, argv + 1);
  if (command == "migrate") return heat::cli::migrate(argc - 1, argv + 1);
  if (command == "user") return heat::cli::user(argc - 1, argv + 1);
  if (command == "audit") return heat::cli::audit(argc - 1, argv + 1);
  if (command == "demo") return heat::cli::demo(argc - 1, argv + 1);
  if (command == "evidence") return heat::cli::evidence(argc - 1, argv + 1);
  if (command == "gen-data") return heat::cli::gen_data(argc - 1, argv + 1);
  if (command == "reseal") return heat::cli::reseal(argc - 1, argv + 1);
  if (command == "import") return heat::cli::import_feed(argc - 1, argv + 1);
  std::cerr << "heatwatch: unknown command '" << command << "'\n" << kUsage;
  return 2;
}
