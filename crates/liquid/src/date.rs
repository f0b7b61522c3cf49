//! The `date` filter: dates as Kong's data writes them (`2024-05-28`, `2024-05-28 10:00:00`,
//! ISO 8601, Unix seconds) formatted with strftime's common directives. No clock is read
//! here: `now` is the site's build time, given by the renderer.

use crate::value::Value;

const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];
const DAYS: [&str; 7] = [
    "Sunday",
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
];

/// A moment, in UTC.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct DateTime {
    year: i64,
    month: u32,
    day: u32,
    hour: u32,
    minute: u32,
    second: u32,
}

/// Days since 1970-01-01 of a civil date (Howard Hinnant's algorithm).
fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let m = i64::from(m);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(d) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

impl DateTime {
    /// From Unix seconds.
    pub(crate) fn from_unix(secs: i64) -> DateTime {
        let (y, m, d) = civil_from_days(secs.div_euclid(86_400));
        let s = secs.rem_euclid(86_400);
        DateTime {
            year: y,
            month: m,
            day: d,
            hour: (s / 3600) as u32,
            minute: (s % 3600 / 60) as u32,
            second: (s % 60) as u32,
        }
    }

    /// Reads `2024-05-28`, `2024-05-28 10:00:00`, `2024-05-28T10:00:00Z` and the like.
    fn parse(s: &str) -> Option<DateTime> {
        let s = s.trim();
        let num = |t: &str| t.parse::<u32>().ok();
        let (date, time) = match s.find(['T', ' ']) {
            Some(i) => (&s[..i], Some(&s[i + 1..])),
            None => (s, None),
        };
        let mut parts = date.split('-');
        // Years beyond a billion are not dates; refusing them keeps the arithmetic exact.
        let year: i64 = parts
            .next()?
            .parse()
            .ok()
            .filter(|y: &i64| y.abs() <= 1_000_000_000)?;
        let month = num(parts.next()?)?;
        let day = num(parts.next()?)?;
        if parts.next().is_some() || !(1..=12).contains(&month) || !(1..=31).contains(&day) {
            return None;
        }
        let (mut hour, mut minute, mut second) = (0, 0, 0);
        if let Some(t) = time {
            let t = t.trim_end_matches('Z');
            let t = t.split(['+', ' ']).next().unwrap_or(t);
            let mut hms = t.split(':');
            hour = hms.next().and_then(num).unwrap_or(0).min(23);
            minute = hms.next().and_then(num).unwrap_or(0).min(59);
            second = hms
                .next()
                .and_then(|x| num(x.split('.').next().unwrap_or(x)))
                .unwrap_or(0)
                .min(59);
        }
        Some(DateTime {
            year,
            month,
            day,
            hour,
            minute,
            second,
        })
    }

    fn weekday(&self) -> usize {
        (days_from_civil(self.year, self.month, self.day) + 4).rem_euclid(7) as usize
    }

    fn day_of_year(&self) -> i64 {
        days_from_civil(self.year, self.month, self.day) - days_from_civil(self.year, 1, 1) + 1
    }

    fn format(&self, fmt: &str) -> String {
        let mut out = String::new();
        let mut chars = fmt.chars();
        while let Some(c) = chars.next() {
            if c != '%' {
                out.push(c);
                continue;
            }
            let month = MONTHS[(self.month as usize).clamp(1, 12) - 1];
            let day = DAYS[self.weekday()];
            match chars.next() {
                Some('Y') => out.push_str(&self.year.to_string()),
                Some('y') => out.push_str(&format!("{:02}", self.year.rem_euclid(100))),
                Some('m') => out.push_str(&format!("{:02}", self.month)),
                Some('d') => out.push_str(&format!("{:02}", self.day)),
                Some('e') => out.push_str(&format!("{:>2}", self.day)),
                Some('-') => match chars.next() {
                    Some('d') => out.push_str(&self.day.to_string()),
                    Some('m') => out.push_str(&self.month.to_string()),
                    Some(other) => out.extend(['%', '-', other]),
                    None => out.push_str("%-"),
                },
                Some('B') => out.push_str(month),
                Some('b') | Some('h') => out.push_str(&month[..3]),
                Some('A') => out.push_str(day),
                Some('a') => out.push_str(&day[..3]),
                Some('H') => out.push_str(&format!("{:02}", self.hour)),
                Some('I') => out.push_str(&format!("{:02}", (self.hour + 11) % 12 + 1)),
                Some('M') => out.push_str(&format!("{:02}", self.minute)),
                Some('S') => out.push_str(&format!("{:02}", self.second)),
                Some('p') => out.push_str(if self.hour < 12 { "AM" } else { "PM" }),
                Some('j') => out.push_str(&format!("{:03}", self.day_of_year())),
                Some('F') => {
                    out.push_str(&format!("{}-{:02}-{:02}", self.year, self.month, self.day))
                }
                Some('s') => {
                    let secs = days_from_civil(self.year, self.month, self.day)
                        .saturating_mul(86_400)
                        .saturating_add(i64::from(
                            self.hour * 3600 + self.minute * 60 + self.second,
                        ));
                    out.push_str(&secs.to_string());
                }
                Some('Z') => out.push_str("UTC"),
                Some('z') => out.push_str("+0000"),
                Some('%') => out.push('%'),
                Some(other) => out.extend(['%', other]),
                None => out.push('%'),
            }
        }
        out
    }
}

/// `input | date: fmt`: the input unchanged when it is not a date, or `fmt` is empty.
pub(crate) fn format(input: &Value, fmt: &str) -> Value {
    let when = match input {
        Value::Int(secs) => Some(DateTime::from_unix(*secs)),
        Value::Str(s, _) => {
            DateTime::parse(s).or_else(|| s.trim().parse::<i64>().ok().map(DateTime::from_unix))
        }
        _ => None,
    };
    match when {
        Some(d) if !fmt.is_empty() => Value::str(d.format(fmt)),
        _ => input.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_kong_dates() {
        let d = |s: &str, f: &str| format(&Value::str(s), f).scalar_text();
        assert_eq!(d("2024-05-28", "%B %d, %Y"), "May 28, 2024");
        assert_eq!(
            d("2024-05-28 10:05:09", "%Y-%m-%dT%H:%M:%S"),
            "2024-05-28T10:05:09"
        );
        assert_eq!(d("2024-02-29", "%a %b %-d %j"), "Thu Feb 29 060");
        assert_eq!(d("not a date", "%Y"), "not a date");
        assert_eq!(
            format(&Value::Int(0), "%F %H:%M").scalar_text(),
            "1970-01-01 00:00"
        );
        assert_eq!(
            format(&Value::Int(1_700_000_000), "%F").scalar_text(),
            "2023-11-14"
        );
        // Extremes neither panic nor overflow.
        for secs in [i64::MIN, i64::MAX] {
            let _ = format(&Value::Int(secs), "%Y %s %j %a");
        }
        assert_eq!(d("99999999999-01-01", "%Y"), "99999999999-01-01");
    }
}
