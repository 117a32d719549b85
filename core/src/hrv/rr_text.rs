//! Reading RR intervals from the text files people export: one interval per line, or a CSV with a
//! header whose RR column is named `rr`, `RR` or `rr_ms` (Polar, Elite HRV, HRV Logger, Kubios
//! exports, pyHRV samples). Parsing only: plausibility is judged by [`super::RrSeries`], and each
//! interval keeps its line number so that such an error can still name the line.

use std::fmt;

/// The unit of the intervals in a file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum RrUnit {
    /// Milliseconds (the default; what chest straps and the public recordings use).
    #[default]
    Milliseconds,
    /// Seconds (some exports, e.g. Kubios's and HRV Logger's).
    Seconds,
}

/// Intervals read from a file, in ms, each with the 1-based line it came from.
#[derive(Debug, Clone, PartialEq)]
pub struct RrText {
    /// The intervals in milliseconds.
    pub rr_ms: Vec<f64>,
    /// The 1-based line of each interval.
    pub lines: Vec<usize>,
}

impl RrText {
    /// The 1-based line of the interval at `index`, for error messages.
    pub fn line_of(&self, index: usize) -> Option<usize> {
        self.lines.get(index).copied()
    }
}

/// What is wrong with a file, and where. The message names the line and the problem, never the
/// text found there: it is health data.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct RrTextError {
    /// 1-based line of the problem; `None` when it concerns the whole file.
    pub line: Option<usize>,
    /// The problem.
    pub problem: RrTextProblem,
}

impl fmt::Display for RrTextError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.line {
            Some(line) => write!(f, "line {line}: {}", self.problem),
            None => write!(f, "{}", self.problem),
        }
    }
}

/// The problems a file can have.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RrTextProblem {
    /// The file holds no interval at all.
    #[error("no RR intervals found")]
    Empty,
    /// A header line without a recognised RR column.
    #[error("no RR column: the header needs a column named rr, RR or rr_ms")]
    NoRrColumn,
    /// A row with fewer fields than the header names.
    #[error("the row has no value in the RR column")]
    MissingField,
    /// A value that is not a number.
    #[error("the RR value is not a number")]
    NotANumber,
}

/// Column names recognised as the RR column, compared case-insensitively.
const RR_COLUMNS: [&str; 2] = ["rr", "rr_ms"];

/// Parses `text`. Blank lines and lines starting with `#` are skipped. The first other line is a
/// header when it is not a number; then the RR column is found by name and rows are split on the
/// header's delimiter (comma, semicolon or tab).
pub fn parse_rr_text(text: &str, unit: RrUnit) -> Result<RrText, RrTextError> {
    let scale = match unit {
        RrUnit::Milliseconds => 1.0,
        RrUnit::Seconds => 1000.0,
    };
    let mut rows = text
        .lines()
        .enumerate()
        .map(|(i, line)| (i + 1, line.trim()))
        .filter(|(_, line)| !line.is_empty() && !line.starts_with('#'))
        .peekable();

    let mut column: Option<(char, usize)> = None;
    if let Some(&(line_no, first)) = rows.peek()
        && parse_number(first, None).is_none()
    {
        let delimiter = [',', ';', '\t']
            .into_iter()
            .find(|d| first.contains(*d))
            .unwrap_or(',');
        let index = first
            .split(delimiter)
            .map(|name| name.trim().trim_matches('"'))
            .position(|name| RR_COLUMNS.iter().any(|c| name.eq_ignore_ascii_case(c)))
            .ok_or(RrTextError {
                line: Some(line_no),
                problem: RrTextProblem::NoRrColumn,
            })?;
        column = Some((delimiter, index));
        rows.next();
    }

    let mut parsed = RrText {
        rr_ms: Vec::new(),
        lines: Vec::new(),
    };
    for (line_no, row) in rows {
        let at = |problem| RrTextError {
            line: Some(line_no),
            problem,
        };
        let (field, delimiter) = match column {
            Some((delimiter, index)) => (
                row.split(delimiter)
                    .nth(index)
                    .ok_or(at(RrTextProblem::MissingField))?,
                Some(delimiter),
            ),
            None => (row, None),
        };
        let value = parse_number(field, delimiter).ok_or(at(RrTextProblem::NotANumber))?;
        parsed.rr_ms.push(value * scale);
        parsed.lines.push(line_no);
    }
    if parsed.rr_ms.is_empty() {
        return Err(RrTextError {
            line: None,
            problem: RrTextProblem::Empty,
        });
    }
    Ok(parsed)
}

/// A number in a field: a decimal point, or a decimal comma where the comma is not the delimiter
/// (European exports with `;` or tabs). `nan` and `inf` parse, so that validation can name them.
fn parse_number(field: &str, delimiter: Option<char>) -> Option<f64> {
    let field = field.trim().trim_matches('"');
    field.parse::<f64>().ok().or_else(|| {
        (delimiter != Some(',') && field.matches(',').count() == 1)
            .then(|| field.replace(',', ".").parse().ok())
            .flatten()
    })
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn one_interval_a_line_with_comments_and_blanks() {
        let text = "# exported\n812\n\n798.5\n  805  \n";
        let parsed = parse_rr_text(text, RrUnit::Milliseconds).unwrap();
        assert_eq!(parsed.rr_ms, vec![812.0, 798.5, 805.0]);
        assert_eq!(parsed.lines, vec![2, 4, 5]);
    }

    #[test]
    fn csv_columns_by_name_and_unit() {
        let text = "time,RR,hr\n0.8,0.812,74\n1.6,0.798,75\n";
        let parsed = parse_rr_text(text, RrUnit::Seconds).unwrap();
        assert_eq!(parsed.rr_ms, vec![812.0, 798.0]);
        let text = "timestamp;rr_ms\n12:00:01;812,5\n";
        assert_eq!(
            parse_rr_text(text, RrUnit::Milliseconds).unwrap().rr_ms,
            vec![812.5]
        );
        let text = "\"t\"\t\"rr\"\n1\t800\n";
        assert_eq!(
            parse_rr_text(text, RrUnit::Milliseconds).unwrap().rr_ms,
            vec![800.0]
        );
    }

    #[test]
    fn errors_name_the_line() {
        let err = parse_rr_text("800\n810\nabc\n", RrUnit::Milliseconds).unwrap_err();
        assert_eq!(err.to_string(), "line 3: the RR value is not a number");
        let err = parse_rr_text("time,hr\n1,60\n", RrUnit::Milliseconds).unwrap_err();
        assert_eq!(err.line, Some(1));
        assert_eq!(err.problem, RrTextProblem::NoRrColumn);
        let err = parse_rr_text("time,rr\n1,800\n2\n", RrUnit::Milliseconds).unwrap_err();
        assert_eq!(
            (err.line, err.problem),
            (Some(3), RrTextProblem::MissingField)
        );
        let err = parse_rr_text("# nothing\n\n", RrUnit::Milliseconds).unwrap_err();
        assert_eq!((err.line, err.problem), (None, RrTextProblem::Empty));
    }

    #[test]
    fn error_text_never_echoes_the_data() {
        let err = parse_rr_text("800\n8o5\n", RrUnit::Milliseconds).unwrap_err();
        assert!(!err.to_string().contains("8o5"));
    }

    #[test]
    fn non_finite_values_parse_for_validation_to_name() {
        let parsed = parse_rr_text("800\nnan\n", RrUnit::Milliseconds).unwrap();
        assert!(parsed.rr_ms[1].is_nan());
        assert_eq!(parsed.line_of(1), Some(2));
    }
}
