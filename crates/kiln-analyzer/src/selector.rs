//! The RunnerSelector: which runner takes a program, and why — or why none can, and what to do.

use kiln_core::{Diagnostic, Language, Severity};

use crate::Analysis;

/// Whether a runner can take a program now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Availability {
    /// Loaded and ready to run.
    Ready,
    /// Not loaded yet, but can be (a browser worker not started yet).
    Loadable,
    /// Cannot run programs here, for the reason given (a failed download, a disabled language).
    Unavailable(String),
}

/// One runner the selector may choose.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RunnerInfo {
    /// Stable id (`js`, `python`, `wasm`).
    pub id: String,
    /// The language it runs.
    pub language: Language,
    /// Higher wins when several runners take the same language.
    pub priority: i32,
    /// Whether it can run now.
    pub availability: Availability,
}

/// The runners a host has, with their priorities and availability.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RunnerRegistry {
    runners: Vec<RunnerInfo>,
}

impl Default for RunnerRegistry {
    /// Kiln's three runners, all ready (the native CLI has every engine linked in).
    fn default() -> Self {
        let runners = Language::ALL
            .iter()
            .map(|&language| RunnerInfo {
                id: language.name().to_owned(),
                language,
                priority: 0,
                availability: Availability::Ready,
            })
            .collect();
        RunnerRegistry { runners }
    }
}

/// The runner chosen for a program.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Selection {
    /// The chosen runner's id.
    pub runner: String,
    /// The program's language.
    pub language: Language,
    /// Why: how the language was recognised and why this runner.
    pub reasons: Vec<String>,
}

/// The runner a program would go to (if any) and every diagnostic about it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verdict {
    /// The runner's id, or `None` when the program would be refused.
    pub runner: Option<String>,
    /// The analysis' diagnostics, then the selector's.
    pub diagnostics: Vec<Diagnostic>,
}

/// Why no runner takes a program: the diagnostics to show (with what to do).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    /// At least one `error` diagnostic.
    pub diagnostics: Vec<Diagnostic>,
}

impl RunnerRegistry {
    /// A registry with no runners.
    #[must_use]
    pub fn empty() -> Self {
        RunnerRegistry {
            runners: Vec::new(),
        }
    }

    /// Adds a runner, or replaces the one with the same id.
    pub fn register(&mut self, runner: RunnerInfo) {
        self.runners.retain(|r| r.id != runner.id);
        self.runners.push(runner);
    }

    /// Changes a runner's availability; returns whether a runner had that id.
    pub fn set_availability(&mut self, id: &str, availability: Availability) -> bool {
        let runner = self.runners.iter_mut().find(|r| r.id == id);
        runner.map(|r| r.availability = availability).is_some()
    }

    /// Every registered runner.
    #[must_use]
    pub fn runners(&self) -> &[RunnerInfo] {
        &self.runners
    }

    /// Chooses the runner for an analysed program.
    ///
    /// # Errors
    /// A [`Refusal`] when the analysis found errors (syntax, blocking rules), when the language is
    /// unknown or not one Kiln runs, or when no runner for it is available.
    pub fn select(&self, analysis: &Analysis) -> Result<Selection, Refusal> {
        let errors: Vec<Diagnostic> = analysis
            .diagnostics
            .iter()
            .filter(|d| d.severity == Severity::Error)
            .cloned()
            .collect();
        if !errors.is_empty() {
            return Err(Refusal {
                diagnostics: errors,
            });
        }
        let Some(language) = analysis.language else {
            let why = if analysis.reasons.is_empty() {
                String::new()
            } else {
                format!(" ({})", analysis.reasons.join("; "))
            };
            return Err(Refusal {
                diagnostics: vec![Diagnostic::error(
                    "unknown-language",
                    format!(
                        "cannot tell which language this is{why}; Kiln runs JavaScript, Python and \
                         WebAssembly: name the file .js, .py, .wasm or .wat, or say the language"
                    ),
                )],
            });
        };
        let mut candidates: Vec<&RunnerInfo> = self
            .runners
            .iter()
            .filter(|r| r.language == language)
            .collect();
        candidates.sort_by_key(|r| std::cmp::Reverse(r.priority));
        let mut reasons = analysis.reasons.clone();
        for runner in &candidates {
            match &runner.availability {
                Availability::Ready => {
                    reasons.push(format!("runner `{}` is ready", runner.id));
                }
                Availability::Loadable => {
                    reasons.push(format!("runner `{}` will be loaded first", runner.id));
                }
                Availability::Unavailable(why) => {
                    reasons.push(format!("runner `{}` is unavailable: {why}", runner.id));
                    continue;
                }
            }
            return Ok(Selection {
                runner: runner.id.clone(),
                language,
                reasons,
            });
        }
        let message = if candidates.is_empty() {
            format!(
                "no runner for {} is installed here; this page or build only runs {}",
                language.display_name(),
                self.supported().join(", ")
            )
        } else {
            format!(
                "no {} runner is available: {}",
                language.display_name(),
                candidates
                    .iter()
                    .filter_map(|r| match &r.availability {
                        Availability::Unavailable(why) => Some(format!("`{}`: {why}", r.id)),
                        _ => None,
                    })
                    .collect::<Vec<_>>()
                    .join("; ")
            )
        };
        Err(Refusal {
            diagnostics: vec![Diagnostic::error("runner-unavailable", message)],
        })
    }

    /// What `kiln check` and `Kiln.check` report: the runner that would take the program, and
    /// the analysis' diagnostics followed by whatever the selector adds beyond them (an unknown
    /// language, an unavailable runner).
    #[must_use]
    pub fn verdict(&self, analysis: &Analysis) -> Verdict {
        match self.select(analysis) {
            Ok(selection) => Verdict {
                runner: Some(selection.runner),
                diagnostics: analysis.diagnostics.clone(),
            },
            Err(refusal) => {
                let mut diagnostics = analysis.diagnostics.clone();
                // The refusal repeats the analysis' errors; keep only what it says beyond them.
                for d in refusal.diagnostics {
                    if !diagnostics.contains(&d) {
                        diagnostics.push(d);
                    }
                }
                Verdict {
                    runner: None,
                    diagnostics,
                }
            }
        }
    }

    fn supported(&self) -> Vec<&'static str> {
        let mut names: Vec<&'static str> = self
            .runners
            .iter()
            .map(|r| r.language.display_name())
            .collect();
        names.dedup();
        if names.is_empty() {
            names.push("nothing");
        }
        names
    }
}
