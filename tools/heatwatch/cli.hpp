// Shared command-line plumbing of the heatwatch subcommands: every option can also come from
// a HEATWATCH_* environment variable (flags win), logging is set up the same way everywhere,
// and --help prints usage. Subcommands return a process exit code.
#pragma once

#include "engine/clock.hpp"

#include <boost/program_options.hpp>

#include <memory>
#include <optional>
#include <string>

namespace heat::cli {

namespace po = boost::program_options;

// Adds --db, --log-format, --log-level (and --help) to a subcommand's options.
void add_common_options(po::options_description& desc, bool with_db = true);

// Parses argv then the environment (HEATWATCH_DATABASE_URL -> --db, HEATWATCH_FOO_BAR ->
// --foo-bar). Returns nullopt after printing help (exit 0) or an error (exit 2), with the code.
std::optional<po::variables_map> parse(int argc, char** argv, const po::options_description& desc,
                                       const std::string& usage, int& exit_code);

// Configures spdlog from --log-format (text|json) and --log-level. Never logs secrets.
void setup_logging(const po::variables_map& vm);

// The database URL, or prints an error and returns nullopt.
std::optional<std::string> database_url(const po::variables_map& vm);

// SystemClock, or a FixedClock pinned by HEATWATCH_NOW (RFC 3339), logged loudly.
std::shared_ptr<Clock> make_clock();

int serve(int argc, char** argv);
int migrate(int argc, char** argv);
int user(int argc, char** argv);
int audit(int argc, char** argv);
int demo(int argc, char** argv);
int evidence(int argc, char** argv);
int gen_data(int argc, char** argv);
int reseal(int argc, char** argv);
int import_feed(int argc, char** argv);

}  // namespace heat::cli
