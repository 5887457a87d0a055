//! The model catalogue: which models each provider offers, their limits and prices.
//!
//! The built-in list ([`Catalogue::builtin`]) is `models.json` embedded in the crate. Prices are
//! US dollars per million tokens as published by the providers when the list was written; they
//! change, so apps let users override entries with [`Catalogue::merge`].
//!
//! The JSON format: `{"models": [ModelInfo, ...]}`, for example
//!
//! ```json
//! {"models": [{"provider": "anthropic", "id": "claude-haiku-4-5", "name": "Claude Haiku 4.5",
//!   "context_window": 200000, "max_output_tokens": 64000,
//!   "input_per_mtok": 1.0, "output_per_mtok": 5.0, "cached_input_per_mtok": 0.1,
//!   "tools": true, "reasoning": true}]}
//! ```

use serde::{Deserialize, Serialize};

use crate::provider::ProviderKind;
use crate::usage::Usage;

const BUILTIN: &str = include_str!("../models.json");

/// What is known about one model.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ModelInfo {
    /// The provider that serves it.
    pub provider: ProviderKind,
    /// The id sent in requests.
    pub id: String,
    /// A name for people.
    pub name: String,
    /// The context window in tokens.
    pub context_window: u64,
    /// The most output tokens one response may have.
    pub max_output_tokens: u64,
    /// US dollars per million input tokens, if known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub input_per_mtok: Option<f64>,
    /// US dollars per million output tokens, if known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub output_per_mtok: Option<f64>,
    /// US dollars per million cached input tokens, if known (else the input price applies).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cached_input_per_mtok: Option<f64>,
    /// Whether it supports tool calls.
    #[serde(default)]
    pub tools: bool,
    /// Whether it can reason ("thinking").
    #[serde(default)]
    pub reasoning: bool,
}

impl ModelInfo {
    /// The cost of `usage` in US dollars, or `None` when the prices are unknown.
    ///
    /// Cached input is charged at the cached price (or the input price when that is unknown);
    /// cache writes at the input price.
    #[must_use]
    #[allow(clippy::cast_precision_loss)] // token counts are far below 2^52
    pub fn cost(&self, usage: &Usage) -> Option<f64> {
        let input = self.input_per_mtok?;
        let output = self.output_per_mtok?;
        let cached = self.cached_input_per_mtok.unwrap_or(input);
        let cached_tokens = usage.cached_input_tokens.min(usage.input_tokens);
        let fresh = usage.input_tokens - cached_tokens;
        Some(
            (fresh as f64 * input
                + cached_tokens as f64 * cached
                + usage.output_tokens as f64 * output)
                / 1_000_000.0,
        )
    }
}

/// A list of models; later entries for the same provider and id replace earlier ones.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Catalogue {
    /// The models.
    pub models: Vec<ModelInfo>,
}

/// The catalogue JSON could not be read.
#[derive(Debug, thiserror::Error)]
#[error("invalid model catalogue: {0}")]
pub struct CatalogueError(#[from] serde_json::Error);

impl Catalogue {
    /// The built-in catalogue.
    #[must_use]
    pub fn builtin() -> Self {
        // The embedded file is checked by a unit test; an empty catalogue is a safe fallback.
        Self::from_json(BUILTIN).unwrap_or_default()
    }

    /// Reads a catalogue from JSON (see the module docs).
    ///
    /// # Errors
    ///
    /// [`CatalogueError`] when the JSON does not have the catalogue's shape.
    pub fn from_json(json: &str) -> Result<Self, CatalogueError> {
        Ok(serde_json::from_str(json)?)
    }

    /// Adds `other`'s models, replacing entries with the same provider and id.
    pub fn merge(&mut self, other: Catalogue) {
        for m in other.models {
            match self
                .models
                .iter_mut()
                .find(|e| e.provider == m.provider && e.id == m.id)
            {
                Some(e) => *e = m,
                None => self.models.push(m),
            }
        }
    }

    /// The model `id` of `provider`.
    #[must_use]
    pub fn find(&self, provider: ProviderKind, id: &str) -> Option<&ModelInfo> {
        self.models
            .iter()
            .find(|m| m.provider == provider && m.id == id)
    }

    /// The models of `provider`, in catalogue order.
    pub fn for_provider(&self, provider: ProviderKind) -> impl Iterator<Item = &ModelInfo> {
        self.models.iter().filter(move |m| m.provider == provider)
    }

    /// The cost of `usage` on model `id` of `provider` in US dollars, if the model and its
    /// prices are known.
    #[must_use]
    pub fn cost(&self, provider: ProviderKind, id: &str, usage: &Usage) -> Option<f64> {
        self.find(provider, id)?.cost(usage)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_parses_and_covers_every_hosted_provider() {
        let c = Catalogue::from_json(BUILTIN).unwrap();
        for kind in [
            ProviderKind::OpenAi,
            ProviderKind::OpenAiResponses,
            ProviderKind::Anthropic,
            ProviderKind::Gemini,
            ProviderKind::OpenRouter,
        ] {
            assert!(c.for_provider(kind).count() >= 2, "{kind:?}");
        }
        for m in &c.models {
            assert!(m.max_output_tokens <= m.context_window, "{}", m.id);
        }
    }

    #[test]
    fn cost_and_merge() {
        let mut c = Catalogue::builtin();
        let usage = Usage {
            input_tokens: 1_000_000,
            cached_input_tokens: 500_000,
            output_tokens: 100_000,
            ..Usage::default()
        };
        let over = Catalogue::from_json(
            r#"{"models":[{"provider":"anthropic","id":"claude-haiku-4-5","name":"H",
            "context_window":200000,"max_output_tokens":64000,"input_per_mtok":2.0,
            "output_per_mtok":10.0,"cached_input_per_mtok":0.2},
            {"provider":"open_ai_compatible","id":"local","name":"L","context_window":8192,
            "max_output_tokens":2048}]}"#,
        )
        .unwrap();
        let before = c.models.len();
        c.merge(over);
        assert_eq!(c.models.len(), before + 1);
        let cost = c
            .cost(ProviderKind::Anthropic, "claude-haiku-4-5", &usage)
            .unwrap();
        // 0.5M fresh * 2 + 0.5M cached * 0.2 + 0.1M out * 10 = 1 + 0.1 + 1
        assert!((cost - 2.1).abs() < 1e-9, "{cost}");
        assert_eq!(
            c.cost(ProviderKind::OpenAiCompatible, "local", &usage),
            None
        );
        assert_eq!(c.cost(ProviderKind::Gemini, "nope", &usage), None);
    }
}
