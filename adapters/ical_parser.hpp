// iCalendar (RFC 5545) court calendars to hearing records (issue 7), with libical for the
// syntax and Howard Hinnant's date/tz for every time-zone conversion it can do. Pure: bytes
// in, values out; no I/O (the system tz database is read once, by date/tz).
//
// Thread-safe: each call parses into its own libical tree and frees it before returning;
// the one process-wide libical setting (errors are not fatal) is made once.
#pragma once

#include "adapters/court_feed.hpp"
#include "engine/result.hpp"

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace heat::adapters {

struct IcalOptions {
  // Property names per field; empty fields use the defaults (see parse_ical). date and
  // time are not used for iCalendar.
  FeedMapping mapping;
  // The zone of floating DATE-TIMEs and of DATE values (IANA name), unless the calendar
  // names one in X-WR-TIMEZONE and use_x_wr_timezone is set.
  std::string time_zone = kCourtLocalZone;
  bool use_x_wr_timezone = true;
  // Most instances one recurring event yields inside the window; the rest are dropped
  // with a Rejection saying so.
  std::size_t max_instances = 5000;
  std::size_t max_bytes = kMaxFeedBytes;
};

// The IANA zone a TZID names, without looking at any VTIMEZONE: an IANA name or link
// ("America/Los_Angeles", "US/Pacific"); a Windows zone name ("Pacific Standard Time")
// or Outlook display name ("(UTC-08:00) Pacific Time (US & Canada)"); a name behind a
// vendor prefix ("/mozilla.org/20070129_1/America/New_York", "posix/Europe/Vaduz"); a
// space for an underscore ("America/Los Angeles"). nullopt when none of these applies.
[[nodiscard]] std::optional<std::string> iana_zone_for(std::string_view tzid);

// Parses an iCalendar stream: one VCALENDAR, several (each with its own METHOD), or a
// bare VEVENT. Every VEVENT gives records; other components (VTODO, VJOURNAL, VFREEBUSY,
// VAVAILABILITY, VALARM) are not hearings and are skipped.
//
// Reading: a UTF-8 BOM is skipped; lines end in CRLF, LF or a lone CR; folded lines
// (continued by a space or a tab) are unfolded before libical sees them; BEGIN/END are
// balanced first (a stray END is dropped with a Rejection naming its line; components
// left open at the end are closed). TEXT values are unescaped (\n \, \; \\).
//
// Times: a DATE-TIME in UTC is taken as is; with a TZID, the zone is iana_zone_for(tzid),
// else the VTIMEZONE of that TZID (its X-LIC-LOCATION if that is an IANA name, else its
// own rules through libical); a floating DATE-TIME, and a DATE (all_day, starting at
// local midnight), are in options.time_zone (or X-WR-TIMEZONE). Local times are converted
// by RFC 5545 3.3.5 (see local_to_utc). ends_at comes from DTEND, else DURATION (days and
// weeks are nominal: added on the local clock), else is empty.
//
// Recurrence: RRULE, RDATE (dates, date-times and periods) and EXDATE are expanded on the
// local clock of DTSTART's zone, and the instances whose start lies in `window` become
// records (at most options.max_instances per event). An event with RECURRENCE-ID replaces
// the instance it names (its recurrence_id is that original start: a moved instance is a
// continuance); it is kept when its original or new start lies in the window, or when the
// file has no master event for its UID. Events that do not recur are not filtered by the
// window.
//
// Identity: of several components with the same UID and RECURRENCE-ID, the highest
// SEQUENCE wins (a tie: the later one in the file). STATUS:CANCELLED, or a calendar with
// METHOD:CANCEL, gives status cancelled.
//
// Fields (each: the mapped property if options.mapping names one, else the default):
//   docket       an X-…-DOCKET (or X-…-DOCKET-NUMBER) property, else the first
//                docket-looking token of SUMMARY, else of DESCRIPTION (find_docket_in_text)
//   kind         an X-…-HEARING-TYPE property, else SUMMARY (hearing_kind_from_text)
//   department   an X-…-DEPARTMENT or X-…-DEPT property, else LOCATION
//   judge        an X-…-JUDGE property
//   hearing_id   (source_uid) the mapped property when present, else UID
//   cancel_reason an X-…-CANCEL-REASON property, else COMMENT of a cancelled event
// All X- properties are kept in x_properties.
//
// A component is rejected (Rejection with its UID and the reason; the rest goes on) for:
// no DTSTART or an unreadable one (libical's X-LIC-ERROR for DTSTART, DTEND, DURATION,
// RRULE, RDATE, EXDATE or RECURRENCE-ID), a TZID that no zone rule explains, a date
// outside 1800–2400, a DTEND before DTSTART, a negative DURATION or one over 1000 days,
// or an RRULE in a non-Gregorian RSCALE. A series whose RRULE yields more than 50,000
// occurrences before the window's end, or more than max_instances inside it, keeps what
// was expanded and gets a Rejection saying so.
//
// Errors (nothing parsed): payload_too_large above options.max_bytes; invalid_argument
// for input that is not iCalendar (no VCALENDAR or VEVENT at the top: empty input, text,
// UTF-16, NUL bytes, a bare VTODO), or an unknown options.time_zone.
[[nodiscard]] Result<ParseResult> parse_ical(std::string_view bytes, const TimeWindow& window,
                                             const IcalOptions& options = {});

}  // namespace heat::adapters
