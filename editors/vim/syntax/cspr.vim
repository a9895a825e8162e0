" Vim syntax file for cspr policy (.policy) and scenario (.scenario) files.
" The keyword lists follow grammar/policy.pest; editors/vscode/test checks the
" TextMate grammar against it, and this file keeps the same groups.
if exists('b:current_syntax') | finish | endif

syn keyword csprModule      guidance procedure nextgroup=csprDeclName skipwhite
syn keyword csprDeclaration source fact rule decision duty timeline scenario nextgroup=csprDeclName skipwhite
syn keyword csprOverride    override refines
syn keyword csprKeyword     by unless
syn keyword csprStep        step
syn match   csprDeclName    "\<[A-Za-z_][A-Za-z0-9_]*\>" contained
syn keyword csprModality    must should may
syn keyword csprLogic       and or not in
syn keyword csprKeyword     when otherwise default exception if else within after before at least for
syn keyword csprKeyword     working starts done ask version extends calendar set of day days given expect
syn keyword csprUnit        week weeks hour hours month months
syn keyword csprType        bool integer date datetime text
syn match   csprType        "\<date-time\>"
syn keyword csprBoolean     true false
if expand('%:e') ==# 'scenario'
  syn keyword csprExpect    as missing undetermined applies does apply due status under
endif
syn match   csprDate        "\<\d\{4}-\d\d-\d\d\(T\d\d:\d\d\)\=\>"
syn match   csprNumber      "-\=\<\d\+\>"
syn match   csprOperator    "!=\|<=\|>=\|=\||\|<\|>"
syn region  csprCitation    matchgroup=csprCite start=+\<cite\>\s\+\w\+\s*"+ skip=+\\"+ end=+"\|$+ oneline
syn region  csprString      start=+"+ skip=+\\\\\|\\"+ end=+"\|$+ oneline contains=csprEscape
syn match   csprEscape      +\\[\\"n]+ contained
syn match   csprComment     "#.*$" contains=csprTodo
syn keyword csprTodo        TODO FIXME XXX contained

hi def link csprModule      Structure
hi def link csprDeclaration Keyword
hi def link csprOverride    StorageClass
hi def link csprStep        Keyword
hi def link csprDeclName    Function
hi def link csprModality    Statement
hi def link csprLogic       Operator
hi def link csprKeyword     Keyword
hi def link csprUnit        Keyword
hi def link csprExpect      Keyword
hi def link csprType        Type
hi def link csprBoolean     Boolean
hi def link csprDate        Constant
hi def link csprNumber      Number
hi def link csprOperator    Operator
hi def link csprCite        Include
hi def link csprCitation    Underlined
hi def link csprString      String
hi def link csprEscape      SpecialChar
hi def link csprComment     Comment
hi def link csprTodo        Todo

let b:current_syntax = 'cspr'
