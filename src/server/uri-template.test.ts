import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { isMcpLiveError } from '../protocol/mcp-live-error.ts';
import { UriTemplate, type UriTemplateValues } from './uri-template.ts';

// The variables of RFC 6570 section 3.2 (list only; associative arrays are not supported).
const rfc: UriTemplateValues = {
  count: ['one', 'two', 'three'],
  dom: ['example', 'com'],
  dub: 'me/too',
  hello: 'Hello World!',
  half: '50%',
  var: 'value',
  who: 'fred',
  base: 'http://example.com/home/',
  path: '/foo/bar',
  list: ['red', 'green', 'blue'],
  v: '6',
  x: '1024',
  y: '768',
  empty: '',
  empty_keys: [],
  undef: undefined,
};

function expandsTo(cases: [template: string, expected: string][]): void {
  for (const [template, expected] of cases) {
    assert.equal(new UriTemplate(template).expand(rfc), expected, template);
  }
}

describe('UriTemplate.expand (RFC 6570 section 3.2)', () => {
  test('simple string expansion encodes everything but unreserved characters', () => {
    expandsTo([
      ['{var}', 'value'],
      ['{hello}', 'Hello%20World%21'],
      ['{half}', '50%25'],
      ['O{empty}X', 'OX'],
      ['O{undef}X', 'OX'],
      ['{x,y}', '1024,768'],
      ['{x,hello,y}', '1024,Hello%20World%21,768'],
      ['?{x,empty}', '?1024,'],
      ['?{x,undef}', '?1024'],
      ['?{undef,y}', '?768'],
      ['{var:3}', 'val'],
      ['{var:30}', 'value'],
      ['{list}', 'red,green,blue'],
      ['{list*}', 'red,green,blue'],
      ['{empty_keys}', ''],
    ]);
  });

  test('reserved expansion (+) keeps reserved characters and percent-triplets', () => {
    expandsTo([
      ['{+var}', 'value'],
      ['{+hello}', 'Hello%20World!'],
      ['{+half}', '50%25'],
      ['{base}index', 'http%3A%2F%2Fexample.com%2Fhome%2Findex'],
      ['{+base}index', 'http://example.com/home/index'],
      ['O{+empty}X', 'OX'],
      ['{+path}/here', '/foo/bar/here'],
      ['here?ref={+path}', 'here?ref=/foo/bar'],
      ['up{+path}{var}/here', 'up/foo/barvalue/here'],
      ['{+x,hello,y}', '1024,Hello%20World!,768'],
      ['{+path,x}/here', '/foo/bar,1024/here'],
      ['{+path:6}/here', '/foo/b/here'],
      ['{+list}', 'red,green,blue'],
      ['{+list*}', 'red,green,blue'],
    ]);
    assert.equal(new UriTemplate('{+p}').expand({ p: 'a%2Fb c' }), 'a%2Fb%20c');
  });

  test('fragment expansion (#)', () => {
    expandsTo([
      ['{#var}', '#value'],
      ['{#hello}', '#Hello%20World!'],
      ['{#half}', '#50%25'],
      ['foo{#empty}', 'foo#'],
      ['foo{#undef}', 'foo'],
      ['{#x,hello,y}', '#1024,Hello%20World!,768'],
      ['{#path,x}/here', '#/foo/bar,1024/here'],
      ['{#path:6}/here', '#/foo/b/here'],
      ['{#list}', '#red,green,blue'],
      ['{#list*}', '#red,green,blue'],
    ]);
  });

  test('label expansion (.)', () => {
    expandsTo([
      ['{.who}', '.fred'],
      ['{.who,who}', '.fred.fred'],
      ['{.half,who}', '.50%25.fred'],
      ['www{.dom*}', 'www.example.com'],
      ['X{.var}', 'X.value'],
      ['X{.empty}', 'X.'],
      ['X{.undef}', 'X'],
      ['X{.var:3}', 'X.val'],
      ['X{.list}', 'X.red,green,blue'],
      ['X{.list*}', 'X.red.green.blue'],
      ['X{.empty_keys}', 'X'],
    ]);
  });

  test('path segment expansion (/)', () => {
    expandsTo([
      ['{/who}', '/fred'],
      ['{/who,who}', '/fred/fred'],
      ['{/half,who}', '/50%25/fred'],
      ['{/who,dub}', '/fred/me%2Ftoo'],
      ['{/var}', '/value'],
      ['{/var,empty}', '/value/'],
      ['{/var,undef}', '/value'],
      ['{/var,x}/here', '/value/1024/here'],
      ['{/var:1,var}', '/v/value'],
      ['{/list}', '/red,green,blue'],
      ['{/list*}', '/red/green/blue'],
      ['{/list*,path:4}', '/red/green/blue/%2Ffoo'],
    ]);
  });

  test('path-style parameter expansion (;)', () => {
    expandsTo([
      ['{;who}', ';who=fred'],
      ['{;half}', ';half=50%25'],
      ['{;empty}', ';empty'],
      ['{;v,empty,who}', ';v=6;empty;who=fred'],
      ['{;v,bar,who}', ';v=6;who=fred'],
      ['{;x,y}', ';x=1024;y=768'],
      ['{;x,y,empty}', ';x=1024;y=768;empty'],
      ['{;x,y,undef}', ';x=1024;y=768'],
      ['{;hello:5}', ';hello=Hello'],
      ['{;list}', ';list=red,green,blue'],
      ['{;list*}', ';list=red;list=green;list=blue'],
    ]);
  });

  test('form-style query expansion (?) and continuation (&)', () => {
    expandsTo([
      ['{?who}', '?who=fred'],
      ['{?half}', '?half=50%25'],
      ['{?x,y}', '?x=1024&y=768'],
      ['{?x,y,empty}', '?x=1024&y=768&empty='],
      ['{?x,y,undef}', '?x=1024&y=768'],
      ['{?var:3}', '?var=val'],
      ['{?list}', '?list=red,green,blue'],
      ['{?list*}', '?list=red&list=green&list=blue'],
      ['{&who}', '&who=fred'],
      ['{&half}', '&half=50%25'],
      ['?fixed=yes{&x}', '?fixed=yes&x=1024'],
      ['{&x,y,empty}', '&x=1024&y=768&empty='],
      ['{&var:3}', '&var=val'],
      ['{&list}', '&list=red,green,blue'],
      ['{&list*}', '&list=red&list=green&list=blue'],
    ]);
  });

  test('non-ASCII values are UTF-8 percent-encoded and prefixes count characters, not bytes', () => {
    const template = new UriTemplate('{name}/{name:2}');
    assert.equal(template.expand({ name: 'né😀x' }), 'n%C3%A9%F0%9F%98%80x/n%C3%A9');
  });

  test('a variable named like an Object.prototype member is not read from the prototype', () => {
    assert.equal(new UriTemplate('x{/constructor,toString}').expand({}), 'x');
  });
});

describe('UriTemplate parsing', () => {
  test('exposes the template and its variable names once each, in order', () => {
    const template = new UriTemplate('repo://{owner}/{repo}{/path*}{?ref,owner}');
    assert.equal(template.template, 'repo://{owner}/{repo}{/path*}{?ref,owner}');
    assert.deepEqual(template.variableNames, ['owner', 'repo', 'path', 'ref']);
    assert.deepEqual(new UriTemplate('docs://readme').variableNames, []);
  });

  const malformed: [template: string, fault: RegExp][] = [
    ['users://{id', /"\{" at offset 8 is never closed/],
    ['users://{id}/{', /"\{" at offset 13 is never closed/],
    ['users://id}', /"\}" at offset 10 closes no expression/],
    ['users://{}', /empty expression at offset 8/],
    ['users://{=id}', /operator "=" at offset 8 is reserved/],
    ['users://{!id}', /operator "!" at offset 8 is reserved/],
    ['users://{|id}', /operator "\|" at offset 8 is reserved/],
    ['users://{+}', /a missing variable name/],
    ['users://{a,,b}', /a missing variable name/],
    ['users://{user-id}', /the invalid variable "user-id"/],
    ['users://{a b}', /the invalid variable "a b"/],
    ['users://{.a.}', /the invalid variable "a\."/],
    ['users://{a..b}', /the invalid variable "a\.\.b"/],
    ['users://{a%2}', /the invalid variable "a%2"/],
    ['users://{a{b}', /the invalid variable "a\{b"/],
    ['users://{id:0}', /the invalid variable "id:0"/],
    ['users://{id:10000}', /the invalid variable "id:10000"/],
    ['users://{id:3*}', /the invalid variable "id:3\*"/],
  ];
  for (const [template, fault] of malformed) {
    test(`rejects ${template} naming the template and the fault`, () => {
      assert.throws(
        () => new UriTemplate(template),
        (error: unknown) => {
          assert.ok(isMcpLiveError(error, 'INVALID_DEFINITION'));
          assert.ok(error.message.startsWith(`Invalid URI template "${template}": `), error.message);
          assert.match(error.message, fault);
          return true;
        },
      );
    });
  }

  test('accepts dotted and percent-encoded variable names and the maximum prefix', () => {
    const template = new UriTemplate('x{/a.b,c%20d,e_1:9999}');
    assert.deepEqual(template.variableNames, ['a.b', 'c%20d', 'e_1']);
    assert.equal(template.expand({ 'a.b': '1', 'c%20d': '2', e_1: '3' }), 'x/1/2/3');
  });
});

describe('UriTemplate.match', () => {
  test('{+path} spans slashes after a literal prefix', () => {
    assert.deepEqual(new UriTemplate('file:///{+path}').match('file:///a/b/c.txt'), { path: 'a/b/c.txt' });
    assert.equal(new UriTemplate('file:///{+path}').match('file:///'), undefined);
    assert.equal(new UriTemplate('file:///{+path}').match('http:///a'), undefined);
  });

  test('a simple variable matches exactly one non-empty segment', () => {
    const template = new UriTemplate('users://{id}/profile');
    assert.deepEqual(template.match('users://42/profile'), { id: '42' });
    assert.equal(template.match('users://42/7/profile'), undefined);
    assert.equal(template.match('users:///profile'), undefined);
    assert.equal(template.match('users://42/profile/extra'), undefined);
    assert.equal(template.match('users://42/PROFILE'), undefined);
    assert.equal(template.match('users://42?x/profile'), undefined);
  });

  test('does not match a URI with an extra segment', () => {
    const template = new UriTemplate('github://repos/{owner}/{repo}');
    assert.deepEqual(template.match('github://repos/octo/hello'), { owner: 'octo', repo: 'hello' });
    assert.equal(template.match('github://repos/octo/hello/issues'), undefined);
    assert.equal(template.match('github://repos/octo'), undefined);
  });

  test('literal regular-expression characters match only themselves', () => {
    const template = new UriTemplate('a.b+c://(x)[y]*/{id}$^|');
    assert.deepEqual(template.match('a.b+c://(x)[y]*/1$^|'), { id: '1' });
    assert.equal(template.match('aXb+c://(x)[y]*/1$^|'), undefined);
    assert.equal(template.match('a.bbc://(x)[y]*/1$^|'), undefined);
  });

  test('percent-decodes values and rejects malformed percent-encoding', () => {
    const template = new UriTemplate('notes://{title}');
    assert.deepEqual(template.match('notes://hello%20world%2Fagain'), { title: 'hello world/again' });
    assert.deepEqual(template.match('notes://caf%C3%A9'), { title: 'café' });
    assert.equal(template.match('notes://bad%ZZ'), undefined);
    assert.equal(template.match('notes://bad%C3'), undefined);
  });

  test('query parameters match in any order, may be missing, and must be declared', () => {
    const template = new UriTemplate('search://items{?q,limit}');
    assert.deepEqual(template.match('search://items?q=cat&limit=10'), { q: 'cat', limit: '10' });
    assert.deepEqual(template.match('search://items?limit=10&q=cat'), { limit: '10', q: 'cat' });
    assert.deepEqual(template.match('search://items?limit=5'), { limit: '5' });
    assert.deepEqual(template.match('search://items'), {});
    assert.deepEqual(template.match('search://items?q='), { q: '' });
    assert.deepEqual(template.match('search://items?q=a%20b%26c'), { q: 'a b&c' });
    assert.equal(template.match('search://items?q=cat&page=2'), undefined);
    assert.equal(template.match('search://items?q=cat&q=dog'), undefined);
    assert.equal(template.match('search://other?q=cat'), undefined);
  });

  test('{?a}{&b} and a literal query continue one set of parameters', () => {
    const joined = new UriTemplate('search://items{?q}{&page}');
    assert.deepEqual(joined.match('search://items?page=2&q=x'), { page: '2', q: 'x' });
    const fixed = new UriTemplate('search://items?sort=asc{&page}');
    assert.deepEqual(fixed.match('search://items?sort=asc&page=3'), { page: '3' });
    assert.deepEqual(fixed.match('search://items?sort=asc'), {});
    assert.equal(fixed.match('search://items?sort=desc&page=3'), undefined);
  });

  test('exploded query and path-style parameters give lists', () => {
    assert.deepEqual(new UriTemplate('q://x{?tag*,n}').match('q://x?tag=a&n=1&tag=b'), {
      tag: ['a', 'b'],
      n: '1',
    });
    assert.deepEqual(new UriTemplate('m://x{;v,list*}').match('m://x;list=red;v=6;list=blue'), {
      v: '6',
      list: ['red', 'blue'],
    });
    assert.deepEqual(new UriTemplate('m://x{;flag}').match('m://x;flag'), { flag: '' });
  });

  test('{/var} matches /segment and {/var*} matches a list of segments', () => {
    const one = new UriTemplate('api://v1{/id}');
    assert.deepEqual(one.match('api://v1/7'), { id: '7' });
    assert.deepEqual(one.match('api://v1'), {});
    assert.equal(one.match('api://v1/7/8'), undefined);
    const many = new UriTemplate('fs://root{/path*}/edit');
    assert.deepEqual(many.match('fs://root/a/b/c/edit'), { path: ['a', 'b', 'c'] });
    assert.deepEqual(many.match('fs://root/a%2Fb/edit'), { path: ['a/b'] });
    assert.deepEqual(many.match('fs://root/edit'), {});
  });

  test('an optional /segment in the middle is left out when absent', () => {
    const template = new UriTemplate('api://x{/version}/items');
    assert.deepEqual(template.match('api://x/v2/items'), { version: 'v2' });
    assert.deepEqual(template.match('api://x/items'), {});
  });

  test('label and fragment expressions', () => {
    const file = new UriTemplate('docs://{name}{.format}');
    assert.deepEqual(file.match('docs://readme.md'), { name: 'readme', format: 'md' });
    assert.deepEqual(file.match('docs://readme'), { name: 'readme' });
    assert.deepEqual(new UriTemplate('www{.dom*}').match('www.example.com'), { dom: ['example', 'com'] });
    const page = new UriTemplate('doc://{id}{#section}');
    assert.deepEqual(page.match('doc://7#intro/part'), { id: '7', section: 'intro/part' });
    assert.deepEqual(page.match('doc://7'), { id: '7' });
  });

  test('{+path} gives way to a following query expression', () => {
    const template = new UriTemplate('file:///{+path}{?rev}');
    assert.deepEqual(template.match('file:///a/b.txt?rev=3'), { path: 'a/b.txt', rev: '3' });
    assert.deepEqual(template.match('file:///a/b.txt'), { path: 'a/b.txt' });
  });

  test('a repeated variable must have one value; a prefix must agree with it', () => {
    const same = new UriTemplate('p://{id}/{id}');
    assert.deepEqual(same.match('p://a/a'), { id: 'a' });
    assert.equal(same.match('p://a/b'), undefined);
    const prefix = new UriTemplate('p://{name:1}/{name}');
    assert.deepEqual(prefix.match('p://x/xylophone'), { name: 'xylophone' });
    assert.equal(prefix.match('p://y/xylophone'), undefined);
  });

  test('variables named like Object.prototype members come back as own properties', () => {
    const match = new UriTemplate('x://{__proto__}/{constructor}').match('x://a/b');
    assert.ok(match);
    assert.equal(Object.getPrototypeOf(match), Object.prototype);
    assert.deepEqual(Object.entries(match), [
      ['__proto__', 'a'],
      ['constructor', 'b'],
    ]);
  });

  const roundTrips: [template: string, values: Record<string, string | string[]>][] = [
    ['users://{id}/profile', { id: 'ada lovelace' }],
    ['file:///{+path}', { path: 'docs/guide/intro.md' }],
    ['repo://{owner}/{repo}{/path*}', { owner: 'octo', repo: 'hello', path: ['src', 'a b.ts'] }],
    ['search://items{?q,tag*,limit}', { q: 'x&y=z', tag: ['a', 'b'], limit: '10' }],
    ['mail://{user}{;labels*}', { user: 'me', labels: ['inbox', 'starred'] }],
    ['docs://{name}{.format}{#section}', { name: 'readme', format: 'md', section: 'install/linux' }],
    ['pair://{x,y}', { x: '1,024', y: '768' }],
    ['i18n://{word}', { word: 'naïve 😀 ?#/' }],
  ];
  for (const [template, values] of roundTrips) {
    test(`round trip: match(expand(values)) gives the values back for ${template}`, () => {
      const parsed = new UriTemplate(template);
      assert.deepEqual(parsed.match(parsed.expand(values)), values);
    });
  }
});

describe('UriTemplate.compare', () => {
  function rank(templates: string[], uri: string): string[] {
    return templates
      .map((template) => new UriTemplate(template))
      .filter((template) => template.match(uri) !== undefined)
      .sort(UriTemplate.compare)
      .map((template) => template.template);
  }

  test('a literal template outranks a variable one, whatever the registration order', () => {
    assert.deepEqual(rank(['docs://{id}', 'docs://readme'], 'docs://readme'), [
      'docs://readme',
      'docs://{id}',
    ]);
    assert.deepEqual(rank(['docs://readme', 'docs://{id}'], 'docs://readme'), [
      'docs://readme',
      'docs://{id}',
    ]);
    assert.deepEqual(rank(['docs://{id}', 'docs://readme'], 'docs://other'), ['docs://{id}']);
  });

  test('more literal characters outrank a catch-all {+rest}', () => {
    const expected = ['files://{a}/{b}', 'files://{+rest}'];
    assert.deepEqual(rank(['files://{+rest}', 'files://{a}/{b}'], 'files://x/y'), expected);
    assert.deepEqual(rank(['files://{a}/{b}', 'files://{+rest}'], 'files://x/y'), expected);
  });

  test('on equal literals, fewer variables win', () => {
    const one = new UriTemplate('t://{a}');
    const two = new UriTemplate('t://{a}{b}');
    assert.deepEqual(one.specificity, [4, 1]);
    assert.deepEqual(two.specificity, [4, 2]);
    assert.ok(UriTemplate.compare(one, two) < 0);
    assert.ok(UriTemplate.compare(two, one) > 0);
  });

  test('a full tie returns 0 so a stable sort keeps registration order', () => {
    const a = new UriTemplate('t://{x}/a');
    const b = new UriTemplate('t://b/{y}');
    assert.equal(UriTemplate.compare(a, b), 0);
    assert.deepEqual([a, b].sort(UriTemplate.compare), [a, b]);
    assert.deepEqual([b, a].sort(UriTemplate.compare), [b, a]);
  });
});
