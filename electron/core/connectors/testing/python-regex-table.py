"""Writes python-regex-table.json: Python 3's answers (re.fullmatch, or the error) for the regex
translation tests. Run with python3 >= 3.11 from this folder; the tests only read the JSON."""
import json, re, sys

PATTERNS = [
    r'\166', r'h\157st\d', r'[\166w]+', r'\1(a)', r'(a)\1', r'(a)\101', r'\0', r'\08', r'\400',
    r'\N{LATIN SMALL LETTER E WITH ACUTE}t\N{LATIN SMALL LETTER E WITH ACUTE}', r'\N{GREEK SMALL LETTER ALPHA}+', r'\N{NOT A NAME}',
    r'\U0001F600', r'caf\U000000e9', r'\U00110000',
    '(?x) host \\d+  # the node number\n  \\. example', r'(?x)a\ b', r'(?x)[ ]a',
    r'(?i:HOST)\d', r'a(?i:b)c', r'(?s:.)x', r'(?-i:a)', r'(?i)a(?-i:b)',
    r'(?>a+)b', r'(?>a|ab)c', r'a++b', r'a*+a', r'(a)(?>b\1)', r'\w++\.org',
    r'(x+)+y', r'(a*)*b', r'(\w+\s?)+$', r'([a-z]+-?)+\.org',
    r'(?<=a+)b', r'(?<=ab)c', r'(?<=a|bc)d', r'(?<=a|b)c', r'a**', r'(?P<n>a)(?P=n)', r'\q',
    r'\w+', r'\d+', r'\s', r'\bx\b.*', r'.*\bé\b.*', r'host$', r'host$\n', r'a.b', r'\W', r'\D', r'[\w.-]+', r'(?a)\w+', r'\S+',
]
TEXTS = ['v', 'host1', 'vwv', 'aa', 'aA', 'a', '\x00', '\x008', 'été', 'ααα', '\U0001F600', 'café', 'host12.example',
         'a b', ' a', 'HoSt3', 'aBc', 'abc', '\nx', 'A', 'aab', 'abc', 'aaab', 'aaa', 'abb', 'node.org', 'x' * 5 + 'y',
         'ab', 'bcd', 'ac', 'ba', 'aa', 'ünï', '٣٤', '\u2003', 'x', 'é x', 'host\n', 'host', 'a\nb', 'a\rb', 'é', '_', '\ufeff', 'ü-ö.x']

rows = []
for p in PATTERNS:
    try:
        c = re.compile(p)
    except (re.error, OverflowError) as e:
        rows.append({'pattern': p, 'error': str(e)})
        continue
    answers = {}
    for t in TEXTS:
        if p.startswith('(x+)+') or p.startswith('(a*)*') or p.startswith('(\\w+\\s?)+') or p.startswith('([a-z]+-?)+'):
            if len(t) > 12:
                continue
        answers[t] = c.fullmatch(t) is not None
    rows.append({'pattern': p, 'matches': answers})
json.dump({'python': sys.version.split()[0], 'rows': rows}, open('python-regex-table.json', 'w'), ensure_ascii=False, indent=1)
