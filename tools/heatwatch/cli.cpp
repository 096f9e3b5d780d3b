#include "tools/heatwatch/cli.hpp"

#include <date/date.h>
#include <spdlog/pattern_formatter.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include <cstdlib>
#include <iostream>
#include <sstream>

namespace heat::cli {
namespace {

// Writes the log message as a JSON string body (escaped), for --log-format json.
class JsonMessageFlag final : public spdlog::custom_flag_formatter {
 public:
  void format(const spdlog::details::log_msg& msg, const std::tm&, spdlog::memory_buf_t& dest) override {
    static const char* hex = "0123456789abcdef";
    for (char c : std::string_view(msg.payload.data(), msg.payload.size())) {
      const auto u = static_cast<unsigned char>(c);
      if (c == '"' || c == '\\') {
        dest.push_back('\\');
        dest.push_back(c);
      } else if (u < 0x20) {
        const char esc[] = {'\\', 'u', '0', '0', hex[u >> 4], hex[u & 15]};
        dest.append(esc, esc + 6);
      } else {
        dest.push_back(c);
      }
    }
  }
  [[nodiscard]] std::unique_ptr<custom_flag_formatter> clone() const override {
    return std::make_unique<JsonMessageFlag>();
  }
};

}  // namespace

void add_common_options(po::options_description& desc, bool with_db) {
  desc.add_options()("help,h", "show this help");
  if (with_db)
    desc.add_options()("db", po::value<std::string>(),
                       "database URL: libpq URI or key=value string (HEATWATCH_DATABASE_URL)");
  desc.add_options()("log-format", po::value<std::string>()->default_value("text"),
                     "text or json (HEATWATCH_LOG_FORMAT)")(
      "log-level", po::value<std::string>()->default_value("info"),
      "trace, debug, info, warn, error (HEATWATCH_LOG_LEVEL)");
}

std::optional<po::variables_map> parse(int argc, char** argv, const po::options_description& desc,
                                       const std::string& usage, int& exit_code) {
  po::variables_map vm;
  try {
    po::store(po::command_line_parser(argc, argv).options(desc).run(), vm);
    po::store(po::parse_environment(desc,
                                    [&desc](const std::string& env) -> std::string {
                                      const std::string prefix = "HEATWATCH_";
                                      if (env.rfind(prefix, 0) != 0) return "";
                                      std::string name = env.substr(prefix.size());
                                      if (name == "DATABASE_URL") return "db";
                                      for (char& c : name) c = c == '_' ? '-' : static_cast<char>(std::tolower(c));
                                      return desc.find_nothrow(name, false) != nullptr ? name : "";
                                    }),
              vm);
    po::notify(vm);
  } catch (const po::error& e) {
    std::cerr << "heatwatch: " << e.what() << "\n" << usage << "\n" << desc;
    exit_code = 2;
    return std::nullopt;
  }
  if (vm.count("help") != 0u) {
    std::cout << usage << "\n" << desc;
    exit_code = 0;
    return std::nullopt;
  }
  return vm;
}

void setup_logging(const po::variables_map& vm) {
  auto logger = spdlog::stderr_logger_mt("heatwatch");
  spdlog::set_default_logger(logger);
  const std::string format = vm["log-format"].as<std::string>();
  if (format == "json") {
    auto formatter = std::make_unique<spdlog::pattern_formatter>(spdlog::pattern_time_type::utc);
    formatter->add_flag<JsonMessageFlag>('*').set_pattern(
        R"({"time":"%Y-%m-%dT%H:%M:%S.%fZ","level":"%l","pid":%P,"thread":%t,"msg":"%*"})");
    spdlog::set_formatter(std::move(formatter));
  } else {
    spdlog::set_pattern("%Y-%m-%dT%H:%M:%S.%fZ %l [%P] %v", spdlog::pattern_time_type::utc);
  }
  spdlog::set_level(spdlog::level::from_str(vm["log-level"].as<std::string>()));
}

std::optional<std::string> database_url(const po::variables_map& vm) {
  if (vm.count("db") == 0u || vm["db"].as<std::string>().empty()) {
    std::cerr << "heatwatch: no database: pass --db URL or set HEATWATCH_DATABASE_URL\n";
    return std::nullopt;
  }
  return vm["db"].as<std::string>();
}

std::shared_ptr<Clock> make_clock() {
  const char* pinned = std::getenv("HEATWATCH_NOW");
  if (pinned == nullptr || *pinned == '\0') return std::make_shared<SystemClock>();
  std::istringstream in(pinned);
  date::sys_time<std::chrono::microseconds> t;
  in >> date::parse("%FT%T%Ez", t);
  if (in.fail()) {
    in.clear();
    in.str(pinned);
    in >> date::parse("%FT%TZ", t);
  }
  if (in.fail()) {
    spdlog::critical("HEATWATCH_NOW is not an RFC 3339 timestamp: {}", pinned);
    std::exit(2);
  }
  spdlog::warn("!!! HEATWATCH_NOW pins the clock at {} — for demos, training and tests only, never production !!!",
               pinned);
  return std::make_shared<FixedClock>(t);
}

}  // namespace heat::cli
