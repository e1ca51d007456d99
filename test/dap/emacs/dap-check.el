;;; dap-check.el --- drive wasm-coredump-dap from Emacs dap-mode in --batch  -*- lexical-binding: t -*-
;; A second, independent DAP client (Debian's elpa-dap-mode). Reads
;; WCD_ADAPTER, WCD_COREDUMP, WCD_PROGRAM, WCD_SRCDIR from the environment,
;; opens the core dump, waits for the stop, and prints what it sees as
;; "FRAME <name> <line>", "VAR <name> = <value>" and "DONE", or "FAIL ...".
(require 'dap-mode)
(setq dap-auto-configure-features nil
      dap-print-io nil
      inhibit-message t)

(defun wcd-fail (fmt &rest args)
  (princ (concat "FAIL " (apply #'format fmt args) "\n"))
  (kill-emacs 1))

(dap-register-debug-provider
 "wasm-coredump"
 (lambda (conf)
   (plist-put conf :dap-server-path (list "node" (getenv "WCD_ADAPTER")))
   conf))

(defvar wcd-stopped nil)
(add-hook 'dap-stopped-hook (lambda (_session) (setq wcd-stopped t)))

(dap-debug (list :type "wasm-coredump" :request "launch" :name "wasm-core"
                 :coreDump (getenv "WCD_COREDUMP")
                 :program (getenv "WCD_PROGRAM")
                 :sourceMap (list :/src (getenv "WCD_SRCDIR"))))

(let ((deadline (+ (float-time) 30)))
  (while (and (not (and wcd-stopped (dap--cur-session)
                        (dap--debug-session-active-frame (dap--cur-session))))
              (< (float-time) deadline))
    (accept-process-output nil 0.05)))
(unless (and (dap--cur-session) (dap--debug-session-active-frame (dap--cur-session)))
  (wcd-fail "no stopped frame within 30 s"))

(let* ((session (dap--cur-session))
       (thread (dap--debug-session-thread-id session))
       (frames (gethash thread (dap--debug-session-thread-stack-frames session))))
  (dolist (f (seq-take frames 6))
    (princ (format "FRAME %s %s\n" (gethash "name" f) (gethash "line" f))))
  (let* ((frame (car frames))
         (scopes (gethash "scopes" (dap-request session "scopes" :frameId (gethash "id" frame))))
         (wasm (seq-find (lambda (s) (equal (gethash "name" s) "Wasm")) scopes)))
    (unless wasm (wcd-fail "no Wasm scope in %S" (mapcar (lambda (s) (gethash "name" s)) scopes)))
    (let* ((groups (gethash "variables" (dap-request session "variables" :variablesReference (gethash "variablesReference" wasm))))
           (globals (seq-find (lambda (v) (equal (gethash "name" v) "globals")) groups))
           (vars (gethash "variables" (dap-request session "variables" :variablesReference (gethash "variablesReference" globals)))))
      (dolist (v vars)
        (princ (format "VAR %s = %s\n" (gethash "name" v) (gethash "value" v))))))
  (let ((r (dap-request session "evaluate" :expression "$global0" :context "watch" :frameId (gethash "id" (car frames)))))
    (princ (format "EVAL $global0 = %s\n" (gethash "result" r))))
  (dap-disconnect session))
(princ "DONE\n")
(kill-emacs 0)
