//! The `aftersail` binary's parts, as a library so tests can start the real app.

pub mod app;
pub mod classify;
pub mod cli;
pub mod config;
pub mod demo;
pub mod embedded_pg;
pub mod shutdown;
pub mod telemetry;
