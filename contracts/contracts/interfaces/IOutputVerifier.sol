// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

/// @notice Decides whether an L2 output root is backed by enough evidence: a quorum of prover signatures today,
///         a validity (ZK) proof later. Games depend on this interface only.
interface IOutputVerifier {
    /// @notice Returns true when `_proof` attests that `_outputRoot` is the output root of L2 block
    ///         `_l2BlockNumber` on chain `_l2ChainId`; reverts with a reason when it does not.
    function verifyOutput(uint256 _l2ChainId, uint256 _l2BlockNumber, bytes32 _outputRoot, bytes calldata _proof)
        external
        view
        returns (bool);
}
