#include "api/json_body.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <algorithm>
#include <cctype>

namespace heat::api {
namespace {

bool is_json_media_type(const std::string& content_type) {
  std::string media = content_type.substr(0, content_type.find(';'));
  media.erase(std::remove_if(media.begin(), media.end(), [](unsigned char c) { return std::isspace(c) != 0; }),
              media.end());
  std::transform(media.begin(), media.end(), media.begin(), [](unsigned char c) { return std::tolower(c); });
  return media == "application/json";
}

}  // namespace

Result<boost::json::object> parse_json_body(const Request& request,
                                           std::initializer_list<std::string_view> allowed_fields) {
  const std::string* type = request.header("content-type");
  if (type == nullptr || !is_json_media_type(*type))
    return Error::of(ErrorCode::unsupported_media, "Content-Type must be application/json");
  boost::system::error_code ec;
  // Boost.JSON rejects invalid UTF-8 and trailing garbage.
  boost::json::value value = boost::json::parse(request.body, ec);
  if (ec) return Error::of(ErrorCode::invalid_argument, "malformed JSON: " + ec.message());
  if (!value.is_object()) return Error::of(ErrorCode::invalid_argument, "the body must be a JSON object");
  Error unknown{ErrorCode::invalid_argument, "unknown fields", {}, {}};
  for (const auto& field : value.as_object()) {
    if (std::find(allowed_fields.begin(), allowed_fields.end(), field.key()) == allowed_fields.end())
      unknown.fields.push_back({std::string(field.key()), "unknown field"});
  }
  if (!unknown.fields.empty()) return unknown;
  return std::move(value.as_object());
}

Response json_response(int status, const boost::json::value& body) {
  return Response{status, "application/json", boost::json::serialize(body), {}};
}

}  // namespace heat::api
