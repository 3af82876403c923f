//! Which files are templates: a file named on the command line is read whatever its name (its
//! format told by its content); a directory is searched for `template.yaml|yml|json`,
//! `*.template.json|yaml|yml`, `serverless.yml|yaml`, `cdk.out/*.template.json`, Terraform
//! plan JSON (`format_version` + `planned_values`) and other YAML/JSON files that declare
//! CloudFormation resources. Build output and dependencies are skipped.

use super::TemplateError;
use std::io::Read;
use std::path::{Path, PathBuf};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Format {
    CloudFormation,
    Serverless,
    Terraform,
}

#[derive(Debug, Clone)]
pub(crate) struct Found {
    pub(crate) path: PathBuf,
    /// Relative to the scanned root, `/`-separated.
    pub(crate) rel: String,
    pub(crate) format: Format,
    pub(crate) stack: String,
}

impl Found {
    /// The scanned root: `path` less the components of `rel`.
    pub(crate) fn root(&self) -> PathBuf {
        let depth = self.rel.split('/').count();
        self.path
            .ancestors()
            .nth(depth)
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."))
            .to_path_buf()
    }
}

/// Directories never searched: build output (`.aws-sam/build` copies every template),
/// packaging output, dependencies, VCS.
const SKIP_DIRS: &[&str] = &[
    ".aws-sam",
    ".serverless",
    "node_modules",
    ".git",
    ".terraform",
    "target",
    "vendor",
    ".venv",
    "venv",
    "__pycache__",
    ".idea",
    ".vscode",
    "dist",
    "build",
];

/// Files searched in a directory at most (a safeguard against scanning a whole disk).
const MAX_FILES: usize = 100_000;

fn head(path: &Path, bytes: usize) -> String {
    let mut buffer = vec![0u8; bytes];
    let n = std::fs::File::open(path)
        .and_then(|mut f| f.read(&mut buffer))
        .unwrap_or(0);
    String::from_utf8_lossy(&buffer[..n]).into_owned()
}

/// The format of a file from its content (and name).
fn sniff(path: &Path, explicit: bool) -> Option<Format> {
    let name = path.file_name()?.to_string_lossy().to_lowercase();
    let text = head(path, 256 * 1024);
    if name.starts_with("serverless.")
        && (name.ends_with(".yml") || name.ends_with(".yaml") || name.ends_with(".json"))
    {
        // In a directory, a `serverless.yml` without `service` is a fragment another file
        // includes (`functions: - ${file(./functions/x/serverless.yml)}`), not a service.
        let service = text.starts_with("service:")
            || text.contains("\nservice:")
            || text.contains("\"service\"");
        return (explicit || service).then_some(Format::Serverless);
    }
    if text.contains("\"format_version\"")
        && (text.contains("\"planned_values\"") || text.contains("\"terraform_version\""))
    {
        return Some(Format::Terraform);
    }
    let cfn = text.contains("AWSTemplateFormatVersion")
        || text.contains("AWS::Serverless")
        || (text.contains("Resources")
            && (text.contains("Type: AWS::")
                || text.contains("Type: \"AWS::")
                || text.contains("Type: 'AWS::")
                || text.contains("\"Type\": \"AWS::")
                || text.contains("\"Type\":\"AWS::")));
    if cfn {
        return Some(Format::CloudFormation);
    }
    if text.contains("\nprovider:") && text.contains("service:") {
        return Some(Format::Serverless);
    }
    // Named explicitly, or with a template's conventional name: read it as CloudFormation so
    // that what is wrong with it is reported.
    let conventional = matches!(
        name.as_str(),
        "template.yaml" | "template.yml" | "template.json"
    ) || name.ends_with(".template.json");
    (explicit || conventional).then_some(Format::CloudFormation)
}

fn candidate(name: &str) -> bool {
    let lower = name.to_lowercase();
    lower.ends_with(".yaml")
        || lower.ends_with(".yml")
        || lower.ends_with(".json")
        || lower.ends_with(".template")
}

fn stack_name(rel: &str) -> String {
    let path = Path::new(rel);
    let file = path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let file = file.trim_end_matches(".template").to_owned();
    let generic = matches!(
        file.as_str(),
        "template" | "serverless" | "plan" | "tfplan" | "packaged"
    );
    let parent = path
        .parent()
        .and_then(Path::file_name)
        .map(|s| s.to_string_lossy().into_owned())
        .filter(|p| !p.is_empty() && p != "cdk.out");
    let base = match (generic, parent) {
        (true, Some(parent)) => parent,
        (true, None) => "stack".to_owned(),
        (false, _) => file,
    };
    let mut name: String = base
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' {
                c
            } else {
                '-'
            }
        })
        .collect();
    if !name.starts_with(|c: char| c.is_ascii_alphabetic()) {
        name.insert_str(0, "stack-");
    }
    name.truncate(64);
    name
}

fn relative(path: &Path, root: &Path) -> String {
    let rel = path.strip_prefix(root).unwrap_or(path);
    let text = rel.to_string_lossy().replace('\\', "/");
    if text.is_empty() {
        path.file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default()
    } else {
        text
    }
}

/// The templates at `path` (a file or a directory).
pub(crate) fn find(path: &Path) -> Result<Vec<Found>, TemplateError> {
    let meta = std::fs::metadata(path).map_err(|e| TemplateError::Read {
        path: path.display().to_string(),
        message: e.to_string(),
    })?;
    if meta.is_file() {
        // Relative to the working directory when under it, so SARIF paths match the repository.
        let cwd = std::env::current_dir().unwrap_or_default();
        let absolute = if path.is_absolute() {
            path.to_path_buf()
        } else {
            cwd.join(path)
        };
        let rel = if absolute.starts_with(&cwd) {
            relative(&absolute, &cwd)
        } else {
            path.display().to_string()
        };
        let format = sniff(path, true).unwrap_or(Format::CloudFormation);
        return Ok(vec![Found {
            path: path.to_path_buf(),
            stack: stack_name(&rel),
            rel,
            format,
        }]);
    }
    if !meta.is_dir() {
        return Err(TemplateError::Read {
            path: path.display().to_string(),
            message: "neither a file nor a directory (a pipe, a device or a socket): give a template file or a directory of them".to_owned(),
        });
    }
    let mut out = Vec::new();
    let mut stack = vec![path.to_path_buf()];
    let mut seen = 0usize;
    while let Some(dir) = stack.pop() {
        let entries = std::fs::read_dir(&dir).map_err(|e| TemplateError::Read {
            path: dir.display().to_string(),
            message: e.to_string(),
        })?;
        let mut entries: Vec<_> = entries.filter_map(Result::ok).collect();
        entries.sort_by_key(std::fs::DirEntry::file_name);
        for entry in entries {
            seen += 1;
            if seen > MAX_FILES {
                return Err(TemplateError::Read {
                    path: path.display().to_string(),
                    message: format!(
                        "more than {MAX_FILES} files below it: name the template directories instead"
                    ),
                });
            }
            let name = entry.file_name().to_string_lossy().into_owned();
            let Ok(kind) = entry.file_type() else {
                continue;
            };
            let child = entry.path();
            if kind.is_dir() {
                if !SKIP_DIRS.contains(&name.as_str()) && !name.starts_with('.')
                    || name == "cdk.out"
                {
                    stack.push(child);
                }
                continue;
            }
            if !kind.is_file() || !candidate(&name) {
                continue;
            }
            // CDK's own manifests are not templates.
            if name == "manifest.json"
                || name == "tree.json"
                || name.ends_with(".assets.json")
                || name == "cdk.json"
                || name == "package.json"
                || name == "package-lock.json"
                || name == "tsconfig.json"
            {
                continue;
            }
            if let Some(format) = sniff(&child, false) {
                let rel = relative(&child, path);
                out.push(Found {
                    stack: stack_name(&rel),
                    path: child,
                    rel,
                    format,
                });
            }
        }
    }
    out.sort_by(|a, b| a.rel.cmp(&b.rel));
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::stack_name;

    #[test]
    fn stack_names_come_from_directories_for_generic_file_names() {
        assert_eq!(stack_name("services/orders/template.yaml"), "orders");
        assert_eq!(stack_name("cdk.out/ApiStack.template.json"), "ApiStack");
        assert_eq!(stack_name("template.yaml"), "stack");
        assert_eq!(stack_name("infra/3rd_party.yml"), "stack-3rd-party");
    }
}
