//! Line diffs in the unified format GNU `diff -u` writes, for `kubectl diff`: Myers'
//! O(ND) shortest edit script, then hunks with three lines of context, `@@ -a,b +c,d
//! @@` numbered as GNU numbers them, each change's removed lines before its added ones.

/// One step of an edit script over lines of `old` and `new`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Edit {
    /// `old[i]` equals `new[j]`.
    Keep(usize, usize),
    /// `old[i]` is removed.
    Delete(usize),
    /// `new[j]` is added.
    Insert(usize),
}

/// The most differing lines [`edits`] searches a shortest script for: past it, the
/// trace would outgrow a few megabytes, and the lines between the common start and
/// end are listed as all removed, then all added (still a correct diff).
pub const MAX_EDIT_DISTANCE: usize = 1000;

/// A shortest edit script turning `old` into `new` (Myers 1986, the greedy forward
/// search with its trace kept for the walk back), after the lines both start and end
/// with are set aside. Costs O((N+M)·D) time and O(D²) memory, D being the number of
/// lines that differ: small for the usual edit of a manifest, whatever its length.
pub fn edits<T: PartialEq>(old: &[T], new: &[T]) -> Vec<Edit> {
    let prefix = old.iter().zip(new).take_while(|(a, b)| a == b).count();
    let suffix = old[prefix..]
        .iter()
        .rev()
        .zip(new[prefix..].iter().rev())
        .take_while(|(a, b)| a == b)
        .count();
    let (mid_old, mid_new) = (
        &old[prefix..old.len() - suffix],
        &new[prefix..new.len() - suffix],
    );
    let middle = myers(mid_old, mid_new).unwrap_or_else(|| {
        (0..mid_old.len())
            .map(Edit::Delete)
            .chain((0..mid_new.len()).map(Edit::Insert))
            .collect()
    });
    let shift = |e: Edit| match e {
        Edit::Keep(i, j) => Edit::Keep(i + prefix, j + prefix),
        Edit::Delete(i) => Edit::Delete(i + prefix),
        Edit::Insert(j) => Edit::Insert(j + prefix),
    };
    (0..prefix)
        .map(|i| Edit::Keep(i, i))
        .chain(middle.into_iter().map(shift))
        .chain((0..suffix).map(|k| Edit::Keep(old.len() - suffix + k, new.len() - suffix + k)))
        .collect()
}

/// Myers' search, or `None` when more than [`MAX_EDIT_DISTANCE`] lines differ.
fn myers<T: PartialEq>(old: &[T], new: &[T]) -> Option<Vec<Edit>> {
    let (n, m) = (old.len() as isize, new.len() as isize);
    let max = n + m;
    // v[k + offset]: the furthest x reached on diagonal k = x - y.
    let offset = max + 1;
    let mut v = vec![0isize; 2 * max as usize + 3];
    let mut trace: Vec<Vec<isize>> = Vec::new();
    let at = |k: isize| (k + offset) as usize;
    'search: for d in 0..=max {
        if d as usize > MAX_EDIT_DISTANCE {
            return None;
        }
        trace.push(v[at(-d)..=at(d)].to_vec());
        let mut k = -d;
        while k <= d {
            let mut x = if k == -d || (k != d && v[at(k - 1)] < v[at(k + 1)]) {
                v[at(k + 1)]
            } else {
                v[at(k - 1)] + 1
            };
            let mut y = x - k;
            while x < n && y < m && old[x as usize] == new[y as usize] {
                x += 1;
                y += 1;
            }
            v[at(k)] = x;
            if x >= n && y >= m {
                break 'search;
            }
            k += 2;
        }
    }
    // Walk back from the end through each round's furthest points.
    let mut script = Vec::new();
    let (mut x, mut y) = (n, m);
    for (d, row) in trace.iter().enumerate().rev() {
        let d = d as isize;
        // row holds diagonals -d..=d of the round before this one's moves.
        let get = |k: isize| row[(k + d) as usize];
        let (prev_x, prev_y) = if d == 0 {
            (0, 0)
        } else {
            let k = x - y;
            let prev_k = if k == -d || (k != d && get(k - 1) < get(k + 1)) {
                k + 1
            } else {
                k - 1
            };
            (get(prev_k), get(prev_k) - prev_k)
        };
        while x > prev_x && y > prev_y {
            x -= 1;
            y -= 1;
            script.push(Edit::Keep(x as usize, y as usize));
        }
        if d > 0 {
            if x == prev_x {
                script.push(Edit::Insert((y - 1) as usize));
            } else {
                script.push(Edit::Delete((x - 1) as usize));
            }
        }
        x = prev_x;
        y = prev_y;
    }
    script.reverse();
    Some(script)
}

/// The hunks of `diff -u` between two texts (no `---`/`+++` header), empty when they
/// are equal. Both texts are taken as whole lines (each ending in a newline).
pub fn unified(old: &str, new: &str, context: usize) -> String {
    let a: Vec<&str> = old.lines().collect();
    let b: Vec<&str> = new.lines().collect();
    let script = normalize(edits(&a, &b));
    let changes: Vec<usize> = (0..script.len())
        .filter(|&i| !matches!(script[i], Edit::Keep(..)))
        .collect();
    let mut out = String::new();
    let mut i = 0;
    while i < changes.len() {
        // A hunk runs while the unchanged lines between two changes are few enough
        // for their contexts to touch (at most 2 × context), as GNU diff joins them.
        let mut last = i;
        while last + 1 < changes.len() && changes[last + 1] - changes[last] - 1 <= 2 * context {
            last += 1;
        }
        let start = changes[i].saturating_sub(context);
        let end = (changes[last] + context + 1).min(script.len());
        let a_before = script[..start]
            .iter()
            .filter(|e| !matches!(e, Edit::Insert(_)))
            .count();
        let b_before = script[..start]
            .iter()
            .filter(|e| !matches!(e, Edit::Delete(_)))
            .count();
        out.push_str(&hunk(&script[start..end], &a, &b, a_before, b_before));
        i = last + 1;
    }
    out
}

/// Within each run of changes, the removed lines first, then the added ones, as
/// `diff -u` prints a change.
fn normalize(script: Vec<Edit>) -> Vec<Edit> {
    let mut out = Vec::with_capacity(script.len());
    let mut inserts = Vec::new();
    for e in script {
        match e {
            Edit::Insert(_) => inserts.push(e),
            Edit::Delete(_) => out.push(e),
            Edit::Keep(..) => {
                out.append(&mut inserts);
                out.push(e);
            }
        }
    }
    out.append(&mut inserts);
    out
}

/// One `@@ -a,b +c,d @@` hunk over a slice of the script, which starts after
/// `a_before` lines of the old text and `b_before` of the new.
fn hunk(part: &[Edit], a: &[&str], b: &[&str], a_before: usize, b_before: usize) -> String {
    let (mut a_len, mut b_len) = (0, 0);
    let mut body = String::new();
    for e in part {
        match *e {
            Edit::Keep(i, _) => {
                a_len += 1;
                b_len += 1;
                body.push_str(&format!(" {}\n", a[i]));
            }
            Edit::Delete(i) => {
                a_len += 1;
                body.push_str(&format!("-{}\n", a[i]));
            }
            Edit::Insert(j) => {
                b_len += 1;
                body.push_str(&format!("+{}\n", b[j]));
            }
        }
    }
    format!(
        "@@ -{} +{} @@\n{body}",
        range(a_before, a_len),
        range(b_before, b_len)
    )
}

/// GNU diff's range from the number of lines before it: `start,count` 1-based,
/// `start` alone for one line, and for none the line before it and `,0`.
fn range(before: usize, len: usize) -> String {
    match len {
        0 => format!("{before},0"),
        1 => format!("{}", before + 1),
        n => format!("{},{n}", before + 1),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(words: &[&str]) -> String {
        words.iter().map(|w| format!("{w}\n")).collect()
    }

    #[test]
    fn equal_texts_have_no_hunks() {
        assert_eq!(unified("a\nb\n", "a\nb\n", 3), "");
        assert_eq!(unified("", "", 3), "");
    }

    #[test]
    fn edit_scripts_are_shortest() {
        let a = ["a", "b", "c", "a", "b", "b", "a"];
        let b = ["c", "b", "a", "b", "a", "c"];
        let script = edits(&a, &b);
        let changes = script
            .iter()
            .filter(|e| !matches!(e, Edit::Keep(..)))
            .count();
        assert_eq!(changes, 5, "Myers' example: D = 5");
        // Replaying the script rebuilds the new side.
        let rebuilt: Vec<&str> = script
            .iter()
            .filter_map(|e| match *e {
                Edit::Keep(_, j) | Edit::Insert(j) => Some(b[j]),
                Edit::Delete(_) => None,
            })
            .collect();
        assert_eq!(rebuilt, b);
    }

    #[test]
    fn past_the_distance_cap_the_middle_is_removed_then_added() {
        let old: Vec<String> = (0..3000).map(|i| format!("a{i}")).collect();
        let mut new: Vec<String> = (0..3000).map(|i| format!("b{i}")).collect();
        new[0] = old[0].clone();
        let script = edits(&old, &new);
        assert_eq!(script[0], Edit::Keep(0, 0), "the common start is kept");
        assert_eq!(script[1], Edit::Delete(1));
        assert_eq!(script.last(), Some(&Edit::Insert(2999)));
        assert_eq!(script.len(), 1 + 2 * 2999);
    }

    #[test]
    fn hunks_as_gnu_diff_writes_them() {
        struct Case {
            name: &'static str,
            old: String,
            new: String,
            want: &'static str,
        }
        let ten: Vec<String> = (1..=10).map(|i| i.to_string()).collect();
        let ten: Vec<&str> = ten.iter().map(String::as_str).collect();
        let mut changed = ten.clone();
        changed[4] = "five";
        let mut far = ten.clone();
        far[0] = "one";
        far[9] = "ten";
        for c in [
            Case {
                name: "one line changed in the middle, three lines around it",
                old: lines(&ten),
                new: lines(&changed),
                want: "@@ -2,7 +2,7 @@\n 2\n 3\n 4\n-5\n+five\n 6\n 7\n 8\n",
            },
            Case {
                name: "changes far apart make two hunks",
                old: lines(&ten),
                new: lines(&far),
                want: "@@ -1,4 +1,4 @@\n-1\n+one\n 2\n 3\n 4\n@@ -7,4 +7,4 @@\n 7\n 8\n 9\n-10\n+ten\n",
            },
            Case {
                name: "a new file",
                old: String::new(),
                new: lines(&["a", "b"]),
                want: "@@ -0,0 +1,2 @@\n+a\n+b\n",
            },
            Case {
                name: "a file emptied",
                old: lines(&["a"]),
                new: String::new(),
                want: "@@ -1 +0,0 @@\n-a\n",
            },
            Case {
                name: "a line added at the end",
                old: lines(&["a", "b"]),
                new: lines(&["a", "b", "c"]),
                want: "@@ -1,2 +1,3 @@\n a\n b\n+c\n",
            },
        ] {
            assert_eq!(unified(&c.old, &c.new, 3), c.want, "{}", c.name);
        }
    }

    #[test]
    fn close_changes_share_a_hunk() {
        let old = lines(&["1", "2", "3", "4", "5", "6", "7", "8", "9"]);
        let new = lines(&["x", "2", "3", "4", "5", "6", "7", "y", "9"]);
        // Six unchanged lines between the changes: the contexts touch, one hunk.
        assert_eq!(
            unified(&old, &new, 3),
            "@@ -1,9 +1,9 @@\n-1\n+x\n 2\n 3\n 4\n 5\n 6\n 7\n-8\n+y\n 9\n"
        );
    }
}
