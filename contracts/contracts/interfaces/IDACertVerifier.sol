// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

/// @notice EigenDA-style certificate check (`IEigenDACertVerifierBase.checkDACert`): never reverts on a bad
///         certificate, answers a status code instead.
interface IDACertVerifier {
    /// @return status_ 1 = SUCCESS, 6 = INVALID_CERT, 7 = INTERNAL_ERROR (EigenDA's numbering).
    function checkDACert(bytes calldata _cert) external view returns (uint8 status_);
}
