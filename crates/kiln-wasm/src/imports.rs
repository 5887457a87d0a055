//! What Kiln offers a module to import, and the check that a module asks for nothing else.

use std::fmt::Write as _;

use kiln_core::Diagnostic;
use wasmi::{ExternType, FuncType, Module, ValType};

/// The WASI module name every provided function lives in.
pub(crate) const WASI: &str = "wasi_snapshot_preview1";

const I32: ValType = ValType::I32;
const I64: ValType = ValType::I64;

/// Every provided function with its wasm signature `(params, results)`; `wasi.rs` defines them.
pub(crate) const PROVIDED: &[(&str, &[ValType], &[ValType])] = &[
    ("args_get", &[I32, I32], &[I32]),
    ("args_sizes_get", &[I32, I32], &[I32]),
    ("clock_res_get", &[I32, I32], &[I32]),
    ("clock_time_get", &[I32, I64, I32], &[I32]),
    ("environ_get", &[I32, I32], &[I32]),
    ("environ_sizes_get", &[I32, I32], &[I32]),
    ("fd_close", &[I32], &[I32]),
    ("fd_fdstat_get", &[I32, I32], &[I32]),
    ("fd_fdstat_set_flags", &[I32, I32], &[I32]),
    ("fd_filestat_get", &[I32, I32], &[I32]),
    ("fd_prestat_dir_name", &[I32, I32, I32], &[I32]),
    ("fd_prestat_get", &[I32, I32], &[I32]),
    ("fd_read", &[I32, I32, I32, I32], &[I32]),
    ("fd_seek", &[I32, I64, I32, I32], &[I32]),
    ("fd_tell", &[I32, I32], &[I32]),
    ("fd_write", &[I32, I32, I32, I32], &[I32]),
    ("path_filestat_get", &[I32, I32, I32, I32, I32], &[I32]),
    (
        "path_open",
        &[I32, I32, I32, I32, I32, I64, I64, I32, I32],
        &[I32],
    ),
    ("proc_exit", &[I32], &[]),
    ("random_get", &[I32, I32], &[I32]),
    ("sched_yield", &[], &[I32]),
];

/// Names of the WASI preview1 functions Kiln provides (all from `wasi_snapshot_preview1`).
///
/// A module importing anything else is refused before it runs.
pub fn provided_imports() -> impl Iterator<Item = &'static str> {
    PROVIDED.iter().map(|(name, _, _)| *name)
}

/// One import of a module, and whether Kiln provides it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ModuleImport {
    /// The module it is imported from (`wasi_snapshot_preview1`, `env`…).
    pub module: String,
    /// The imported name (`fd_write`).
    pub name: String,
    /// Its type as WAT writes it (`(func (param i32) (result i32))`, `(memory)`).
    pub ty: String,
    /// `None` when Kiln provides it; otherwise what is wrong.
    pub problem: Option<ImportProblem>,
}

/// Why Kiln cannot satisfy a [`ModuleImport`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ImportProblem {
    /// Kiln provides nothing by that module and name.
    NotProvided,
    /// Kiln provides a function by that name with another type (given as WAT writes it).
    WrongType(String),
}

/// Every import of `module`, in order, each checked against what Kiln provides.
pub(crate) fn describe_imports(module: &Module) -> Vec<ModuleImport> {
    module
        .imports()
        .map(|import| {
            let wanted = import.ty();
            let offered = (import.module() == WASI)
                .then(|| PROVIDED.iter().find(|(name, _, _)| *name == import.name()))
                .flatten();
            let problem = match (wanted, offered) {
                (ExternType::Func(ty), Some((_, params, results)))
                    if ty.params() == *params && ty.results() == *results =>
                {
                    None
                }
                (ExternType::Func(_), Some((_, params, results))) => {
                    Some(ImportProblem::WrongType(signature_text(params, results)))
                }
                _ => Some(ImportProblem::NotProvided),
            };
            ModuleImport {
                module: import.module().to_owned(),
                name: import.name().to_owned(),
                ty: extern_type_text(wanted),
                problem,
            }
        })
        .collect()
}

/// Refuses a module that imports something Kiln does not provide, naming every such import.
pub(crate) fn check_imports(module: &Module) -> Result<(), Diagnostic> {
    missing_imports(&describe_imports(module)).map_or(Ok(()), Err)
}

/// The `missing-imports` diagnostic for the imports Kiln does not provide, if there are any.
#[must_use]
pub fn missing_imports(imports: &[ModuleImport]) -> Option<Diagnostic> {
    let missing: Vec<String> = imports
        .iter()
        .filter_map(|import| {
            let (module, name, ty) = (&import.module, &import.name, &import.ty);
            match import.problem.as_ref()? {
                ImportProblem::WrongType(provided) => {
                    Some(format!("{module}.{name} {ty} (Kiln's has type {provided})"))
                }
                ImportProblem::NotProvided => Some(format!("{module}.{name} {ty}")),
            }
        })
        .collect();
    if missing.is_empty() {
        return None;
    }
    let mut message = format!(
        "the module imports {} Kiln does not provide: {}. ",
        if missing.len() == 1 {
            "something"
        } else {
            "things"
        },
        missing.join(", ")
    );
    let _ = write!(
        message,
        "Kiln provides only these WASI preview1 functions from `{WASI}`: {}",
        provided_imports().collect::<Vec<_>>().join(", ")
    );
    Some(Diagnostic::error("missing-imports", message))
}

/// `(func (param i32 i64) (result i32))`, as WAT writes a function type.
pub(crate) fn func_type_text(ty: &FuncType) -> String {
    signature_text(ty.params(), ty.results())
}

fn signature_text(params: &[ValType], results: &[ValType]) -> String {
    let mut text = String::from("(func");
    if !params.is_empty() {
        let _ = write!(text, " (param {})", types_text(params));
    }
    if !results.is_empty() {
        let _ = write!(text, " (result {})", types_text(results));
    }
    text.push(')');
    text
}

pub(crate) fn types_text(types: &[ValType]) -> String {
    types
        .iter()
        .map(|ty| val_type_name(*ty))
        .collect::<Vec<_>>()
        .join(" ")
}

pub(crate) fn val_type_name(ty: ValType) -> &'static str {
    match ty {
        ValType::I32 => "i32",
        ValType::I64 => "i64",
        ValType::F32 => "f32",
        ValType::F64 => "f64",
        ValType::V128 => "v128",
        ValType::FuncRef => "funcref",
        ValType::ExternRef => "externref",
    }
}

fn extern_type_text(ty: &ExternType) -> String {
    match ty {
        ExternType::Func(ty) => func_type_text(ty),
        ExternType::Memory(_) => "(memory)".to_owned(),
        ExternType::Table(_) => "(table)".to_owned(),
        ExternType::Global(ty) => format!("(global {})", val_type_name(ty.content())),
    }
}
