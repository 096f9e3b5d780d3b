// Sign-in, the caller's session, user administration and the audit log.
#include "api/auth/accounts.hpp"
#include "api/fields.hpp"
#include "api/guard.hpp"
#include "api/json_body.hpp"
#include "api/problem.hpp"

#include <boost/json.hpp>

namespace heat::api {
namespace json = boost::json;

json::object user_json(const User& u) {
  return {{"id", u.id}, {"username", u.username}, {"display_name", u.display_name},
          {"role", std::string(to_string(u.role))}, {"unit", u.unit}};
}

namespace {

json::object admin_user_json(const User& u) {
  json::object o = user_json(u);
  o["agency_id"] = u.agency_id;
  o["active"] = u.active;
  o["locked"] = u.locked;
  o["totp_enrolled"] = u.totp_secret.has_value();
  return o;
}

Response login(AppServices& s, const Request& request) {
  auto body = parse_json_body(request, {"username", "password", "totp"});
  if (!body) return problem(body.error());
  FieldErrors errors;
  auth::LoginRequest login;
  login.username = errors.take(required_string(*body, "username", 64));
  login.password = errors.take(required_string(*body, "password", 128));
  login.totp = errors.take(optional_string(*body, "totp", 10));
  if (!errors.ok()) return problem(errors.error());
  login.remote_address = request.remote_address;
  auto result = s.auth->login(login);
  if (!result) return problem(result.error());
  Response r = json_response(200, json::object{{"token", result->token},
                                               {"expires_at", format_utc_micros(result->expires_at)},
                                               {"user", user_json(result->user)}});
  r.with_header("Set-Cookie", s.auth->session_cookie(result->token));
  return r;
}

Response create_user(AppServices& s, const auth::Caller& caller, const Request& request) {
  auto body = parse_json_body(request, {"username", "display_name", "role", "unit", "agency_id", "password"});
  if (!body) return problem(body.error());
  FieldErrors errors;
  auth::AccountRequest account;
  account.username = errors.take(required_string(*body, "username", 64));
  account.display_name = errors.take(optional_string(*body, "display_name", 200)).value_or("");
  account.role = errors.take(required_string(*body, "role", 20));
  account.unit = errors.take(optional_string(*body, "unit", 20)).value_or("");
  account.agency_id = errors.take(optional_string(*body, "agency_id", 64)).value_or("");
  account.password = errors.take(required_string(*body, "password", 128));
  if (!errors.ok()) return problem(errors.error());
  auto user = auth::create_account(
      *s.identity, account,
      auth::audit_entry(s.clock->now(), &caller, "user.create", "user", "", "success", request.remote_address));
  if (!user) return problem(user.error());
  return json_response(201, admin_user_json(*user));
}

Response list_users(AppServices& s, const Request& request) {
  auto page = page_of(request);
  if (!page) return problem(page.error());
  auto users = s.identity->list_users();
  if (!users) return problem(users.error());
  // Cursor: the last username of the previous page (users are ordered by lower(username)).
  json::array items;
  std::string last;
  bool more = false;
  for (const auto& u : *users) {
    std::string key = u.username;
    for (char& c : key) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (!page->cursor.empty() && key <= page->cursor) continue;
    if (static_cast<int>(items.size()) == page->limit) {
      more = true;
      break;
    }
    items.push_back(admin_user_json(u));
    last = key;
  }
  return json_response(200, json::object{{"items", items}, {"next_cursor", more ? json::value(last) : nullptr}});
}

Response change_user(AppServices& s, const auth::Caller& caller, const Request& request, const std::string& what) {
  const std::string& id = request.param("id");
  auto audit = auth::audit_entry(s.clock->now(), &caller, "user." + what, "user", id, "success",
                                 request.remote_address);
  Status done = what == "unlock" ? s.identity->unlock(id, audit)
                                 : s.identity->set_active(id, what == "enable", s.clock->now(), audit);
  if (!done) return problem(done.error());
  auto user = s.identity->find_user(id);
  if (!user) return problem(user.error());
  if (!*user) return problem(404, "no such user");
  return json_response(200, admin_user_json(**user));
}

Response list_audit(AppServices& s, const Request& request) {
  auto page = page_of(request);
  if (!page) return problem(page.error());
  AuditFilter filter;
  filter.entity = request.query_param("entity").value_or("");
  filter.entity_id = request.query_param("entity_id").value_or("");
  filter.actor = request.query_param("actor").value_or("");
  filter.limit = page->limit + 1;
  if (!page->cursor.empty()) {
    try {
      filter.after_seq = std::stoll(page->cursor);
    } catch (const std::exception&) {
      return problem(Error::invalid("cursor", "not a cursor from this list"));
    }
  }
  auto records = s.audit->list(filter);
  if (!records) return problem(records.error());
  json::array items;
  const bool more = static_cast<int>(records->size()) > page->limit;
  if (more) records->pop_back();
  for (const auto& r : *records)
    items.push_back(json::object{{"seq", r.seq},
                                 {"at", r.at_text},
                                 {"actor_id", r.entry.actor_id},
                                 {"actor", r.entry.actor_username},
                                 {"action", r.entry.action},
                                 {"entity", r.entry.entity},
                                 {"entity_id", r.entry.entity_id},
                                 {"outcome", r.entry.outcome},
                                 {"remote_address", r.entry.remote_address},
                                 {"details", json::parse(r.entry.details)},
                                 {"prev_hash", r.prev_hash},
                                 {"hash", r.hash}});
  json::value next = nullptr;
  if (more && !records->empty()) next = std::to_string(records->back().seq);
  return json_response(200, json::object{{"items", items}, {"next_cursor", next}});
}

}  // namespace

void add_identity_routes(Router& router, AppServices& s) {
  router.add({.method = "POST", .pattern = "/api/v1/auth/login", .handler = [&s](const Request& r) {
                return login(s, r);
              }});
  router.add({.method = "GET", .pattern = "/api/v1/auth/me",
              .handler = guarded(s, Action::auth_me, [](const auth::Caller& c, const Request&) {
                return json_response(200, json::object{{"user", user_json(c.user)}});
              })});
  router.add({.method = "POST", .pattern = "/api/v1/auth/logout",
              .handler = guarded(s, Action::auth_logout, [&s](const auth::Caller& c, const Request&) {
                if (auto done = s.auth->logout(c); !done) return problem(done.error());
                return Response{204, "application/json", "", {}};
              })});
  router.add({.method = "POST", .pattern = "/api/v1/auth/totp",
              .handler = guarded(s, Action::auth_totp_enroll, [&s](const auth::Caller& c, const Request&) {
                auto e = s.auth->enroll_totp(c);
                if (!e) return problem(e.error());
                return json_response(201, json::object{{"secret", e->secret_base32}, {"otpauth_uri", e->otpauth_uri}});
              })});
  router.add({.method = "GET", .pattern = "/api/v1/users",
              .handler = guarded(s, Action::user_admin, [&s](const auth::Caller&, const Request& r) {
                return list_users(s, r);
              })});
  router.add({.method = "POST", .pattern = "/api/v1/users",
              .handler = guarded(s, Action::user_admin, [&s](const auth::Caller& c, const Request& r) {
                return create_user(s, c, r);
              })});
  for (const char* what : {"disable", "enable", "unlock"}) {
    router.add({.method = "POST", .pattern = std::string("/api/v1/users/{id}/") + what,
                .handler = guarded(s, Action::user_admin, [&s, what](const auth::Caller& c, const Request& r) {
                  return change_user(s, c, r, what);
                })});
  }
  router.add({.method = "GET", .pattern = "/api/v1/audit",
              .handler = guarded(s, Action::audit_list, [&s](const auth::Caller&, const Request& r) {
                return list_audit(s, r);
              })});
  router.add({.method = "GET", .pattern = "/api/v1/audit/verify",
              .handler = guarded(s, Action::audit_verify, [&s](const auth::Caller&, const Request&) {
                auto v = s.audit->verify();
                if (!v) return problem(v.error());
                return json_response(200, json::object{{"valid", v->valid},
                                                       {"broken_at", v->broken_at ? json::value(*v->broken_at)
                                                                                  : json::value(nullptr)},
                                                       {"checked", v->checked}});
              })});
}

}  // namespace heat::api
